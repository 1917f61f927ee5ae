"""Organizations written out in full: the ones the demo accounts belong to, and name parts of the
support organizations. Rows use the import format of hamafza.directory.importers."""

# Slugs the accounts demo refers to (its demo users belong to these organizations).
from hamafza.accounts.demo import QOM_STARTUP, TABRIZ_COMPANY, TEHRAN_PROBLEM_FIRM

ANCHORS = [
    {
        "id": QOM_STARTUP,
        "name": "بازیار",
        "name_en": "Baziar",
        "kind": "startup",
        "city": "قم",
        "province": "Qom",
        "description_fa": (
            "بازیار یک استارتاپ قمی است که با اپلیکیشن خود تحویل پسماند خشک را برای خانواده‌ها ساده می‌کند: "
            "شهروند زمان جمع‌آوری را انتخاب می‌کند، پسماند تفکیک‌شده در محل وزن می‌شود و مبلغ آن به کیف پول او "
            "واریز می‌شود. در کنار اپلیکیشن، در مدارس و سراهای محله کارگاه‌های آموزش تفکیک از مبدأ برگزار می‌کنیم. "
            "طرح آزمایشی ما در دو منطقه قم نشان داد سهم پسماند تفکیک‌شده در خانه‌های عضو به‌طور محسوس بالا می‌رود."
        ),
        "description_en": (
            "Baziar is a Qom startup whose app makes it easy for households to hand over dry recyclables: residents "
            "pick a collection slot, the sorted waste is weighed at the door and the money goes to their wallet. "
            "Alongside the app we run source-separation workshops in schools and neighbourhood centres. Our pilot in "
            "two districts of Qom showed a clear rise in the share of sorted waste in member homes."
        ),
        "knowledge_based": False,
        "employees": 9,
        "founded": 2021,
        "website": "https://baziar.example.ir",
        "capabilities": ["waste.sorting", "culture.engagement"],
        "verified": True,
    },
    {
        "id": TABRIZ_COMPANY,
        "name": "سامانه‌های هوشمند آذرپویا",
        "name_en": "Azarpouya Smart Systems",
        "kind": "knowledge_based_company",
        "city": "تبریز",
        "province": "East Azerbaijan",
        "description_fa": (
            "آذرپویا از سال ۱۳۹۲ برای شهرداری‌های شمال غرب کشور نرم‌افزار می‌سازد. سامانه خدمات شهروندی ما "
            "درخواست‌ها و گزارش‌های مردم را با عکس و موقعیت ثبت و به واحد مسئول ارجاع می‌کند و داشبورد مدیریتی "
            "ما داده سامانه‌های پراکنده شهرداری را در یک جا نشان می‌دهد. شبکه حسگرهای اینترنت اشیای ما هم در "
            "چند محله تبریز داده پارکینگ و مخازن پسماند را گردآوری می‌کند."
        ),
        "description_en": (
            "Since 2013 Azarpouya has built software for municipalities in the north-west of Iran. Our citizen "
            "service system records residents' requests and reports with a photo and a location and routes them "
            "to the responsible unit, and our management dashboard brings the data of scattered municipal systems "
            "together. Our IoT sensor network also collects parking and waste-container data in several "
            "neighbourhoods of Tabriz."
        ),
        "knowledge_based": True,
        "employees": 64,
        "founded": 2013,
        "website": "https://azarpouya.example.ir",
        "certificate_number": "DB-1403-04217",
        "certificate_valid_from": "2024-05-12",
        "certificate_valid_until": "2027-05-11",
        "capabilities": ["smart.citizen_app", "smart.data_platform", "smart.iot_network"],
        "verified": True,
    },
    {
        "id": TEHRAN_PROBLEM_FIRM,
        "name": "مسئله‌نگار",
        "name_en": "Masalenegar Problem Design Studio",
        "kind": "problem_definition_firm",
        "city": "تهران",
        "province": "Tehran",
        "description_fa": (
            "مسئله‌نگار به واحدهای شهرداری کمک می‌کند نیاز خود را پیش از انتشار فراخوان به مسئله‌ای روشن و "
            "سنجش‌پذیر تبدیل کنند. در کارگاه‌های ما کارشناسان واحد، شهروندان و شرکت‌های فناور کنار هم وضع موجود، "
            "داده پایه، شاخص موفقیت، محدودیت‌ها و محل اجرای آزمایشی را مشخص می‌کنند. تاکنون مسئله بیش از بیست "
            "فراخوان نوآوری باز در حوزه‌های ترافیک، پسماند و خدمات شهروندی را با این روش تعریف کرده‌ایم."
        ),
        "description_en": (
            "Masalenegar helps municipal units turn a need into a clear, measurable problem before a call is "
            "published. In our workshops unit staff, residents and technology companies agree on the current "
            "situation, baseline data, success indicators, constraints and the pilot site. We have framed the "
            "problems of more than twenty open-innovation calls in traffic, waste and citizen services this way."
        ),
        "knowledge_based": False,
        "employees": 14,
        "founded": 2018,
        "website": "https://masalenegar.example.ir",
        "capabilities": ["innovation.problem_definition", "traffic.analytics"],
        "verified": True,
    },
]

ACCELERATOR_STEMS = [
    ("رویش", "Rooyesh"),
    ("جهش", "Jahesh"),
    ("سکو", "Sakoo"),
    ("فرازان", "Farazan"),
    ("پرتاب", "Partab"),
    ("شتاب‌نو", "Shetabno"),
    ("اوج", "Owj"),
]

PROBLEM_FIRM_STEMS = [
    ("گره‌گشا", "Gerehgosha"),
    ("نیازسنج", "Niazsanj"),
    ("طرح‌واره", "Tarhvareh"),
    ("پرسمان", "Porseman"),
    ("اندیشه‌کار", "Andishekar"),
    ("راهبرد نو", "Rahbord-e No"),
    ("مسئله‌کاو", "Masalekav"),
    ("کاوشگران", "Kavoshgaran"),
    ("نقشه‌راه", "Naghsheh Rah"),
    ("هم‌اندیش", "Hamandish"),
]

"""Words the scale generator builds its texts from: 100 Iranian cities, unit names, and sentence
frames in Persian and English that are filled with the capability taxonomy's names and synonyms
(hamafza/core/data/taxonomy.json, read from the database). Nothing here comes from the sample
data in shared/ or from the demo's phrase banks."""

# (slug, Persian name, English name, province code) in the order of their weight: the first cities
# get the most calls, needs and organizations (a Zipf-like law, see generate.CITY_EXPONENT).
CITIES = [
    ("tehran", "تهران", "Tehran", "Tehran"),
    ("mashhad", "مشهد", "Mashhad", "Khorasan Razavi"),
    ("isfahan", "اصفهان", "Isfahan", "Isfahan"),
    ("karaj", "کرج", "Karaj", "Alborz"),
    ("shiraz", "شیراز", "Shiraz", "Fars"),
    ("tabriz", "تبریز", "Tabriz", "East Azerbaijan"),
    ("qom", "قم", "Qom", "Qom"),
    ("ahvaz", "اهواز", "Ahvaz", "Khuzestan"),
    ("kermanshah", "کرمانشاه", "Kermanshah", "Kermanshah"),
    ("urmia", "ارومیه", "Urmia", "West Azerbaijan"),
    ("rasht", "رشت", "Rasht", "Gilan"),
    ("zahedan", "زاهدان", "Zahedan", "Sistan and Baluchestan"),
    ("hamadan", "همدان", "Hamadan", "Hamadan"),
    ("kerman", "کرمان", "Kerman", "Kerman"),
    ("yazd", "یزد", "Yazd", "Yazd"),
    ("ardabil", "اردبیل", "Ardabil", "Ardabil"),
    ("bandar-abbas", "بندرعباس", "Bandar Abbas", "Hormozgan"),
    ("arak", "اراک", "Arak", "Markazi"),
    ("eslamshahr", "اسلامشهر", "Eslamshahr", "Tehran"),
    ("zanjan", "زنجان", "Zanjan", "Zanjan"),
    ("sanandaj", "سنندج", "Sanandaj", "Kurdistan"),
    ("qazvin", "قزوین", "Qazvin", "Qazvin"),
    ("khorramabad", "خرم‌آباد", "Khorramabad", "Lorestan"),
    ("gorgan", "گرگان", "Gorgan", "Golestan"),
    ("sari", "ساری", "Sari", "Mazandaran"),
    ("dezful", "دزفول", "Dezful", "Khuzestan"),
    ("bojnurd", "بجنورد", "Bojnurd", "North Khorasan"),
    ("birjand", "بیرجند", "Birjand", "South Khorasan"),
    ("sabzevar", "سبزوار", "Sabzevar", "Khorasan Razavi"),
    ("neyshabur", "نیشابور", "Neyshabur", "Khorasan Razavi"),
    ("babol", "بابل", "Babol", "Mazandaran"),
    ("amol", "آمل", "Amol", "Mazandaran"),
    ("najafabad", "نجف‌آباد", "Najafabad", "Isfahan"),
    ("bushehr", "بوشهر", "Bushehr", "Bushehr"),
    ("kashan", "کاشان", "Kashan", "Isfahan"),
    ("ilam", "ایلام", "Ilam", "Ilam"),
    ("semnan", "سمنان", "Semnan", "Semnan"),
    ("shahrekord", "شهرکرد", "Shahrekord", "Chaharmahal and Bakhtiari"),
    ("yasuj", "یاسوج", "Yasuj", "Kohgiluyeh and Boyer-Ahmad"),
    ("khoy", "خوی", "Khoy", "West Azerbaijan"),
    ("maragheh", "مراغه", "Maragheh", "East Azerbaijan"),
    ("marvdasht", "مرودشت", "Marvdasht", "Fars"),
    ("saveh", "ساوه", "Saveh", "Markazi"),
    ("bukan", "بوکان", "Bukan", "West Azerbaijan"),
    ("shahrud", "شاهرود", "Shahrud", "Semnan"),
    ("varamin", "ورامین", "Varamin", "Tehran"),
    ("malayer", "ملایر", "Malayer", "Hamadan"),
    ("bandar-anzali", "بندر انزلی", "Bandar Anzali", "Gilan"),
    ("mahabad", "مهاباد", "Mahabad", "West Azerbaijan"),
    ("torbat-heydarieh", "تربت حیدریه", "Torbat-e Heydarieh", "Khorasan Razavi"),
    ("gonbad-kavus", "گنبد کاووس", "Gonbad-e Kavus", "Golestan"),
    ("zabol", "زابل", "Zabol", "Sistan and Baluchestan"),
    ("shahriar", "شهریار", "Shahriar", "Tehran"),
    ("pakdasht", "پاکدشت", "Pakdasht", "Tehran"),
    ("abadan", "آبادان", "Abadan", "Khuzestan"),
    ("khomeyni-shahr", "خمینی‌شهر", "Khomeyni Shahr", "Isfahan"),
    ("miandoab", "میاندوآب", "Miandoab", "West Azerbaijan"),
    ("saqqez", "سقز", "Saqqez", "Kurdistan"),
    ("borujerd", "بروجرد", "Borujerd", "Lorestan"),
    ("bam", "بم", "Bam", "Kerman"),
    ("jahrom", "جهرم", "Jahrom", "Fars"),
    ("sirjan", "سیرجان", "Sirjan", "Kerman"),
    ("rafsanjan", "رفسنجان", "Rafsanjan", "Kerman"),
    ("qaem-shahr", "قائم‌شهر", "Qaem Shahr", "Mazandaran"),
    ("kazerun", "کازرون", "Kazerun", "Fars"),
    ("izeh", "ایذه", "Izeh", "Khuzestan"),
    ("andimeshk", "اندیمشک", "Andimeshk", "Khuzestan"),
    ("marand", "مرند", "Marand", "East Azerbaijan"),
    ("behbahan", "بهبهان", "Behbahan", "Khuzestan"),
    ("quchan", "قوچان", "Quchan", "Khorasan Razavi"),
    ("fasa", "فسا", "Fasa", "Fars"),
    ("shushtar", "شوشتر", "Shushtar", "Khuzestan"),
    ("chabahar", "چابهار", "Chabahar", "Sistan and Baluchestan"),
    ("iranshahr", "ایرانشهر", "Iranshahr", "Sistan and Baluchestan"),
    ("minab", "میناب", "Minab", "Hormozgan"),
    ("bandar-mahshahr", "بندر ماهشهر", "Bandar Mahshahr", "Khuzestan"),
    ("lahijan", "لاهیجان", "Lahijan", "Gilan"),
    ("langarud", "لنگرود", "Langarud", "Gilan"),
    ("tonekabon", "تنکابن", "Tonekabon", "Mazandaran"),
    ("nowshahr", "نوشهر", "Nowshahr", "Mazandaran"),
    ("chalus", "چالوس", "Chalus", "Mazandaran"),
    ("behshahr", "بهشهر", "Behshahr", "Mazandaran"),
    ("salmas", "سلماس", "Salmas", "West Azerbaijan"),
    ("ahar", "اهر", "Ahar", "East Azerbaijan"),
    ("meshgin-shahr", "مشگین‌شهر", "Meshgin Shahr", "Ardabil"),
    ("parsabad", "پارس‌آباد", "Parsabad", "Ardabil"),
    ("astara", "آستارا", "Astara", "Gilan"),
    ("takestan", "تاکستان", "Takestan", "Qazvin"),
    ("abhar", "ابهر", "Abhar", "Zanjan"),
    ("mahallat", "محلات", "Mahallat", "Markazi"),
    ("khomein", "خمین", "Khomein", "Markazi"),
    ("golpayegan", "گلپایگان", "Golpayegan", "Isfahan"),
    ("shahinshahr", "شاهین‌شهر", "Shahinshahr", "Isfahan"),
    ("ardakan", "اردکان", "Ardakan", "Yazd"),
    ("meybod", "میبد", "Meybod", "Yazd"),
    ("tabas", "طبس", "Tabas", "South Khorasan"),
    ("damghan", "دامغان", "Damghan", "Semnan"),
    ("garmsar", "گرمسار", "Garmsar", "Semnan"),
    ("dehdasht", "دهدشت", "Dehdasht", "Kohgiluyeh and Boyer-Ahmad"),
    ("nahavand", "نهاوند", "Nahavand", "Hamadan"),
]

# Towns outside the platform: organizations there have a free-text city and no platform city.
OTHER_TOWNS = [
    ("پردیس", "Pardis", "Tehran"),
    ("هشتگرد", "Hashtgerd", "Alborz"),
    ("فولادشهر", "Fooladshahr", "Isfahan"),
    ("بناب", "Bonab", "East Azerbaijan"),
    ("کیش", "Kish", "Hormozgan"),
    ("رامسر", "Ramsar", "Mazandaran"),
    ("سلطانیه", "Soltanieh", "Zanjan"),
    ("فردوس", "Ferdows", "South Khorasan"),
    ("کاشمر", "Kashmar", "Khorasan Razavi"),
    ("مریوان", "Marivan", "Kurdistan"),
]

# Unit kind -> (Persian name, English name, taxonomy domain codes its needs and calls are about).
UNITS = {
    "waste": ("سازمان مدیریت پسماند", "Waste management organization", ["waste", "env"]),
    "transport": (
        "سازمان حمل و نقل و ترافیک",
        "Transport and traffic organization",
        ["traffic", "transit", "mobility"],
    ),
    "beautification": ("سازمان زیباسازی", "Beautification organization", ["beauty", "culture"]),
    "ict": ("سازمان فناوری اطلاعات و ارتباطات", "ICT organization", ["smart", "telecom"]),
    "innovation": ("مرکز نوآوری", "Innovation centre", ["innovation", "smart", "industry"]),
    "green_space": ("سازمان پارک‌ها و فضای سبز", "Parks and green space organization", ["green", "water", "env"]),
    "fire": ("سازمان آتش‌نشانی و خدمات ایمنی", "Fire and safety services", ["safety", "health"]),
    "urban_planning": ("معاونت شهرسازی و معماری", "Urban planning and architecture", ["roads", "materials", "energy"]),
    "services": ("سازمان خدمات شهری", "Urban services", ["energy", "water", "env"]),
}

ORG_NAME_HEADS_FA = ["فناوران", "پیشگامان", "راهکارهای", "سامانه‌های", "مهندسی", "نوآوران", "داده‌پردازان", "هوشمند"]
ORG_NAME_TAILS_FA = ["پارس", "نوین", "آریا", "سپهر", "کیان", "رایان", "پویا", "آتی", "ایده", "البرز", "دماوند", "زاگرس"]
ORG_NAME_HEADS_EN = ["Novin", "Pishgam", "Aria", "Sepehr", "Kian", "Rayan", "Pouya", "Ati", "Parsian", "Zagros"]
ORG_NAME_TAILS_EN = ["Solutions", "Systems", "Technologies", "Engineering", "Labs", "Group", "Innovations"]
ORG_PREFIX_FA = {
    "startup": "استارتاپ",
    "knowledge_based_company": "شرکت دانش‌بنیان",
    "sme": "شرکت",
    "university": "دانشگاه",
    "research_center": "پژوهشکده",
    "incubator": "مرکز رشد",
    "accelerator": "شتاب‌دهنده",
    "science_park": "پارک علم و فناوری",
    "problem_definition_firm": "گروه مشاوران",
}

ORG_FRAMES_FA = [
    "{name} در زمینه {cap} فعالیت می‌کند و برای شهرداری‌ها {s1} و {s2} ارائه می‌دهد.",
    "تیم ما تجربه اجرای چند پروژه {s1} در {city} و شهرهای اطراف را دارد.",
    "محصول اصلی ما سامانه‌ای برای {s1} است که با {s2} یکپارچه می‌شود.",
    "خدمات ما شامل طراحی، اجرا و پشتیبانی {cap} و {s3} است.",
    "از سال {year} با {n} نفر نیروی متخصص روی {s2} کار می‌کنیم.",
    "مشتریان ما سازمان‌های {unit} هستند که به دنبال کاهش هزینه‌های {s1} هستند.",
]
ORG_FRAMES_EN = [
    "{name} works on {cap} for municipalities, offering {s1} and {s2}.",
    "Our team has delivered several {s1} projects in {city} and nearby towns.",
    "Our main product is a platform for {s1} that integrates with {s2}.",
    "We design, build and maintain {cap} and {s3} solutions.",
    "Since {year} our {n} specialists have worked on {s2}.",
    "Our clients are {unit} departments that want to cut the cost of {s1}.",
]

CALL_TITLES_FA = [
    "راهکار هوشمند برای {s1} در {city}",
    "فراخوان شناسایی فناوری‌های {cap}",
    "کاهش مشکلات {s1} با کمک فناوری",
    "طراحی و اجرای پایلوت {s1}",
    "چالش {cap} در {unit}",
]
CALL_FRAMES_FA = [
    "{unit} شهرداری {city} به دنبال راهکاری برای {s1} است.",
    "مشکل اصلی امروز {s2} است که هزینه و نارضایتی شهروندان را افزایش داده است.",
    "راهکار پیشنهادی باید با {s3} سازگار باشد و در یک منطقه به صورت آزمایشی اجرا شود.",
    "داده‌های موجود درباره {s1} در اختیار برندگان قرار می‌گیرد.",
    "هدف این فراخوان بهبود {cap} با کمترین تغییر در فرایندهای فعلی است.",
]
PROPOSAL_TITLES_FA = [
    "سامانه {s1} برای {city}",
    "راهکار {cap} با تمرکز بر {s2}",
    "پایلوت {s1} در {unit}",
    "طرح پیشنهادی {name} برای {s1}",
]
PROPOSAL_FRAMES_FA = [
    "ما پیشنهاد می‌کنیم {s1} را با یک سامانه یکپارچه و داشبورد مدیریتی حل کنیم.",
    "در فاز اول {s2} در یک منطقه آزمایشی بررسی و داده‌های پایه جمع‌آوری می‌شود.",
    "در فاز دوم راهکار {cap} با همکاری {unit} در مقیاس کامل اجرا می‌شود.",
    "تجربه قبلی ما در {s3} نشان می‌دهد که این روش هزینه‌ها را کاهش می‌دهد.",
    "شاخص‌های موفقیت شامل کاهش {s1} و افزایش رضایت شهروندان است.",
    "همه داده‌ها مطابق ضوابط شهرداری نگهداری و پس از پایان پروژه تحویل می‌شود.",
]
PROPOSAL_TITLES_EN = [
    "A {s1} platform for {city}",
    "{cap} with a focus on {s2}",
    "Piloting {s1} with the {unit}",
]
PROPOSAL_FRAMES_EN = [
    "We propose to address {s1} with an integrated system and a management dashboard.",
    "In the first phase we study {s2} in a pilot district and collect baseline data.",
    "In the second phase the {cap} solution is rolled out with the {unit}.",
    "Our earlier work on {s3} shows that this approach lowers costs.",
    "Success is measured by less {s1} and more satisfied residents.",
]
NEED_TITLES_FA = [
    "مشکل {s1} در محله‌های مرکزی",
    "نیاز به راهکار برای {s2}",
    "{s1} در {unit}",
    "شکایت شهروندان از {s1}",
]
NEED_FRAMES_FA = [
    "در ماه‌های اخیر {s1} در چند منطقه {city} افزایش یافته است.",
    "واحد ما برای {s2} راهکار مناسبی ندارد و هزینه‌ها بالاست.",
    "شهروندان بارها درباره {s1} از طریق سامانه ۱۳۷ شکایت کرده‌اند.",
    "پیشنهاد می‌شود راهکارهای {cap} بررسی شود.",
]
TEAM_FA = "تیم پروژه شامل {n} نفر متخصص {cap}، یک مدیر پروژه و کارشناس داده است."
TIMELINE_FA = "اجرای پروژه {months} ماه طول می‌کشد: {a} ماه مطالعه، {b} ماه پایلوت و بقیه برای اجرای کامل."
KPIS_FA = "کاهش {p} درصدی {s1} و پوشش {q} درصد از مناطق هدف تا پایان پروژه."
QUESTIONS_FA = [
    "آیا شرکت‌های خارج از استان هم می‌توانند در این فراخوان شرکت کنند؟",
    "آیا داده‌های {s1} پیش از ارسال پیشنهاد در اختیار قرار می‌گیرد؟",
    "بودجه پایلوت {s2} چگونه پرداخت می‌شود؟",
    "آیا ارائه پیشنهاد مشترک با دانشگاه امکان‌پذیر است؟",
]
ANSWERS_FA = [
    "بله، به شرط رعایت شرایط فراخوان.",
    "خلاصه داده‌ها در جلسه توجیهی ارائه می‌شود.",
    "پرداخت مرحله‌ای و پس از تأیید هر مرحله است.",
]
MISSION_TITLES_FA = ["زنجیره ارزش {cap}", "مأموریت ملی {s1}", "برنامه {cap} در {city}"]
MISSION_TITLES_EN = ["The {cap} value chain", "National mission on {s1}", "{cap} programme in {city}"]
ROLE_NAMES = [
    ("supply", "تأمین"),
    ("production", "تولید"),
    ("integration", "یکپارچه‌سازی"),
    ("installation", "نصب و راه‌اندازی"),
    ("operation", "بهره‌برداری"),
    ("maintenance", "نگهداری"),
]
PEOPLE_FIRST = ["علی", "مریم", "رضا", "زهرا", "حسین", "فاطمه", "محمد", "سارا", "امیر", "نرگس", "مهدی", "لیلا"]
PEOPLE_LAST = ["احمدی", "رحیمی", "کریمی", "حسینی", "محمدی", "صادقی", "جعفری", "نوری", "موسوی", "رضایی"]
PEOPLE_FIRST_EN = ["Ali", "Maryam", "Reza", "Zahra", "Hossein", "Fatemeh", "Mohammad", "Sara", "Amir", "Narges"]
PEOPLE_LAST_EN = ["Ahmadi", "Rahimi", "Karimi", "Hosseini", "Mohammadi", "Sadeghi", "Jafari", "Nouri", "Mousavi"]

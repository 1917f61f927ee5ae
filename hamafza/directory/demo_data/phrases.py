"""Per-capability phrase banks, written for the demo (Persian and English side by side).

For each capability code of hamafza/core/data/taxonomy.json:

* ``stems``: brand-like first words of company names;
* ``topic``: the field as a noun phrase (used by universities, research centres, support programmes);
* ``offers``: what a company does, as a first-person-plural clause ("we ..." / "... می‌کنیم");
* ``pilots``: a finished sentence about a pilot or a reference project, with ``{n}``, ``{m}`` (a
  count and a number of months) and ``{city}``;
* ``research``: a research line, as a noun phrase.

A code that the taxonomy no longer has is skipped at load time with a warning.
"""

BANK = {
    # ---------------------------------------------------------------- waste
    "waste.sorting": {
        "stems": [("پاک‌آوران", "Pakavaran"), ("بازچرخ", "Bazcharkh")],
        "topic": ("تفکیک و بازیافت پسماند", "waste sorting and recycling"),
        "offers": [
            (
                "کیوسک‌های هوشمند بازیافت می‌سازیم که بطری و قوطی را تحویل می‌گیرند و به کیف پول شهروند امتیاز می‌دهند",
                "build smart recycling kiosks that take back bottles and cans and credit the citizen's wallet",
            ),
            (
                "اپلیکیشنی اداره می‌کنیم که با آن خانوارها جمع‌آوری پسماند "
                "خشک از درب منزل را درخواست می‌کنند و بهای آن را می‌گیرند",
                "run an app through which households book a doorstep pickup of dry recyclables and get paid for them",
            ),
            (
                "خطوط تفکیک مکانیزه با نوار نقاله و جداکننده نوری برای سالن‌های پردازش پسماند طراحی و نصب می‌کنیم",
                "design and install mechanised sorting lines with "
                "conveyors and optical sorters for waste processing halls",
            ),
        ],
        "pilots": [
            (
                "{n} کیوسک بازیافت را به مدت {m} ماه به‌صورت آزمایشی در {city} راه‌اندازی کردیم.",
                "We ran {n} recycling kiosks for {m} months as a pilot in {city}.",
            ),
            (
                "سامانه ما اکنون در {n} محله {city} پسماند خشک را از درب منازل جمع‌آوری می‌کند.",
                "Our service now collects dry recyclables door to door in {n} neighbourhoods of {city}.",
            ),
        ],
        "research": [
            (
                "مدل‌سازی رفتار شهروندان در تفکیک از مبدأ و طراحی مشوق‌ها",
                "modelling citizens' source-separation behaviour and incentive design",
            ),
        ],
    },
    "waste.organic": {
        "stems": [("خاک‌زی", "Khakzi"), ("کودینه", "Koodineh")],
        "topic": ("کمپوست و پسماند تر", "composting and organic waste"),
        "offers": [
            (
                "پسماند تر میادین میوه و تره‌بار را در واحدهای کمپوست هوازی به کود آلی تبدیل می‌کنیم",
                "turn the organic waste of fruit and vegetable markets into compost in aerobic composting units",
            ),
            (
                "دستگاه‌های کمپوست خانگی و محلی برای مجتمع‌های مسکونی و رستوران‌ها تولید می‌کنیم",
                "make home and neighbourhood composters for housing estates and restaurants",
            ),
        ],
        "pilots": [
            (
                "در {city} روزانه {n} تن پسماند تر میدان مرکزی میوه را به مدت {m} ماه فرآوری کردیم.",
                "In {city} we processed {n} tonnes a day of organic "
                "waste from the central fruit market for {m} months.",
            ),
            (
                "{n} دستگاه کمپوست محلی در بوستان‌های {city} نصب کرده‌ایم و کود آن در همان فضای سبز مصرف می‌شود.",
                "We have installed {n} community composters in the parks "
                "of {city}; their compost is used in the same parks.",
            ),
        ],
        "research": [
            (
                "ورمی‌کمپوست و کاهش بو و شیرابه در فرآوری پسماند تر",
                "vermicomposting and reducing odour and leachate in organic waste processing",
            ),
        ],
    },
    "waste.routing": {
        "stems": [("مسیرنما", "Masirnama"), ("ناوگان‌یار", "Navganyar")],
        "topic": ("بهینه‌سازی جمع‌آوری و حمل پسماند", "waste collection routing"),
        "offers": [
            (
                "نرم‌افزار مسیریابی و ردیابی ناوگان جمع‌آوری پسماند را با ردیاب GPS و داشبورد پیمانکار عرضه می‌کنیم",
                "supply route planning and GPS tracking software for "
                "waste collection fleets, with a dashboard for contractors",
            ),
            (
                "برنامه نوبت جمع‌آوری هر محله را بر اساس حجم پسماند و ترافیک بهینه می‌کنیم تا مصرف سوخت کم شود",
                "optimise each district's collection schedule from "
                "waste volumes and traffic so that trucks burn less fuel",
            ),
        ],
        "pilots": [
            (
                "در آزمایش {m} ماهه با {n} خودروی جمع‌آوری در {city}، مسافت پیموده‌شده حدود یک‌پنجم کم شد.",
                "In a {m}-month trial with {n} collection trucks in {city}, the distance driven fell by about a fifth.",
            ),
            (
                "ناوگان {n} خودرویی پیمانکاران پسماند {city} اکنون با سامانه ما پایش می‌شود.",
                "A fleet of {n} waste trucks run by contractors in {city} is now monitored with our system.",
            ),
        ],
        "research": [
            (
                "الگوریتم‌های مسیریابی خودرو با پنجره زمانی برای جمع‌آوری پسماند",
                "vehicle routing algorithms with time windows for waste collection",
            ),
        ],
    },
    "waste.sensing": {
        "stems": [("مخزن‌نگار", "Makhzannegar"), ("سطل‌سنج", "Satlsanj")],
        "topic": ("مخازن هوشمند و حسگر سطح پسماند", "smart bins and fill-level sensing"),
        "offers": [
            (
                "حسگر اولتراسونیک سطح پر شدن مخازن زباله را با باتری چندساله و ارتباط NB-IoT تولید می‌کنیم",
                "make ultrasonic fill-level sensors for waste containers, with multi-year batteries and NB-IoT links",
            ),
            (
                "مخازن زیرزمینی و سطل‌های خورشیدی فشرده‌ساز با اعلام پر شدن خودکار می‌سازیم",
                "build underground containers and solar compacting bins that report when they are full",
            ),
        ],
        "pilots": [
            (
                "{n} مخزن مجهز به حسگر ما به مدت {m} ماه در خیابان‌های مرکزی {city} کار کرد.",
                "{n} containers fitted with our sensors worked for {m} months in the central streets of {city}.",
            ),
            (
                "با داده حسگرهای ما در {city} دفعات تخلیه مخازن کم‌پر حدود نصف شد.",
                "With data from our sensors in {city}, trips to half-empty containers were cut by about half.",
            ),
        ],
        "research": [
            (
                "شبکه‌های حسگر کم‌مصرف برای پایش مخازن شهری",
                "low-power sensor networks for monitoring urban containers",
            ),
        ],
    },
    "waste.landfill": {
        "stems": [("زمین‌پاک", "Zaminpak"), ("شیرابه‌کاو", "Shirabekav")],
        "topic": ("دفن بهداشتی و مدیریت شیرابه", "landfill and leachate management"),
        "offers": [
            (
                "تصفیه‌خانه‌های شیرابه محل دفن را طراحی و بهره‌برداری می‌کنیم",
                "design and operate leachate treatment plants for landfills",
            ),
            (
                "گاز محل دفن را جمع‌آوری و برای تولید برق استفاده می‌کنیم و سلول‌های دفن بهداشتی اجرا می‌کنیم",
                "capture landfill gas for power generation and build engineered landfill cells",
            ),
        ],
        "pilots": [
            (
                "تصفیه‌خانه شیرابه‌ای با ظرفیت {n} متر مکعب در روز برای محل دفن {city} ساختیم.",
                "We built a leachate treatment plant of {n} cubic metres a day for the {city} landfill.",
            ),
            (
                "در {city} {n} چاهک استحصال گاز را در سلول‌های قدیمی دفن حفر و به مولد متصل کردیم.",
                "In {city} we drilled {n} gas wells into old landfill cells and connected them to a generator.",
            ),
        ],
        "research": [
            (
                "پایش آلودگی آب‌های زیرزمینی اطراف محل‌های دفن",
                "monitoring groundwater pollution around landfills",
            ),
        ],
    },
    "waste.construction": {
        "stems": [("نخاله‌بان", "Nakhaleban"), ("بازسازه", "Bazsazeh")],
        "topic": ("نخاله و پسماند ساختمانی", "construction and demolition waste"),
        "offers": [
            (
                "نخاله ساختمانی را با سنگ‌شکن سیار به مصالح بازیافتی برای زیرسازی معابر تبدیل می‌کنیم",
                "crush construction debris with mobile crushers into recycled aggregate for road bases",
            ),
            (
                "سامانه‌ای برای ثبت مجوز و رهگیری کامیون‌های حمل نخاله تا ایستگاه تخلیه مجاز داریم",
                "run a system that permits and tracks debris trucks all the way to the authorised dumping station",
            ),
        ],
        "pilots": [
            (
                "در {m} ماه بیش از {n} هزار تن نخاله {city} را بازیافت و در زیرسازی معابر مصرف کردیم.",
                "In {m} months we recycled more than {n} thousand tonnes of debris from {city} into road bases.",
            ),
            (
                "با سامانه رهگیری ما تخلیه غیرمجاز نخاله در حاشیه {city} به‌طور محسوس کاهش یافت.",
                "Our tracking system noticeably reduced illegal dumping of debris on the outskirts of {city}.",
            ),
        ],
        "research": [
            (
                "بتن حاوی سنگدانه بازیافتی از نخاله ساختمانی",
                "concrete made with recycled aggregate from demolition waste",
            ),
        ],
    },
    # ---------------------------------------------------------------- traffic
    "traffic.signals": {
        "stems": [("چراغ‌سبز", "Cheraghsabz"), ("تقاطع‌یار", "Taghatoyar")],
        "topic": ("کنترل هوشمند چراغ راهنمایی", "adaptive traffic signal control"),
        "offers": [
            (
                "کنترلر چراغ راهنمایی تطبیقی می‌سازیم که زمان‌بندی را بر اساس شمارش لحظه‌ای خودروها تنظیم می‌کند",
                "build adaptive signal controllers that set green times from live vehicle counts",
            ),
            (
                "زمان‌بندی تقاطع‌ها را هماهنگ می‌کنیم تا موج سبز در محورهای اصلی شکل بگیرد",
                "coordinate junction timings so that arterial roads get a green wave",
            ),
        ],
        "pilots": [
            (
                "کنترلرهای ما در {n} تقاطع {city} نصب شده و تأخیر متوسط در ساعت اوج کاهش یافته است.",
                "Our controllers run {n} junctions in {city}, and average peak-hour delay has dropped.",
            ),
            (
                "در یک محور {n} تقاطعی در {city} به مدت {m} ماه موج سبز را آزمایش کردیم.",
                "We tested a green wave along a corridor of {n} junctions in {city} for {m} months.",
            ),
        ],
        "research": [
            (
                "یادگیری تقویتی برای کنترل هماهنگ چراغ‌های راهنمایی",
                "reinforcement learning for coordinated traffic signal control",
            ),
        ],
    },
    "traffic.analytics": {
        "stems": [("ترافیک‌سنج", "Trafiksanj"), ("جریان‌نگار", "Jaryannegar")],
        "topic": ("داده و تحلیل ترافیک", "traffic data and analytics"),
        "offers": [
            (
                "با پردازش تصویر دوربین‌های موجود، حجم و سرعت ترافیک و صف تقاطع‌ها را می‌شماریم",
                "count traffic volumes, speeds and junction queues from existing cameras with computer vision",
            ),
            (
                "مدل‌های پیش‌بینی ترافیک و داشبورد تحلیلی برای مراکز کنترل ترافیک تهیه می‌کنیم",
                "build traffic forecasting models and analytics dashboards for traffic control centres",
            ),
        ],
        "pilots": [
            (
                "داده {n} مقطع شمارش در {city} را به مدت {m} ماه به‌صورت برخط تحلیل کردیم.",
                "We analysed live data from {n} counting stations in {city} for {m} months.",
            ),
            (
                "نقشه گره‌های ترافیکی {city} را برای طرح جامع ترافیک آن تهیه کردیم.",
                "We produced the congestion hotspot map used in the transport master plan of {city}.",
            ),
        ],
        "research": [
            (
                "پیش‌بینی کوتاه‌مدت جریان ترافیک با شبکه‌های عصبی گرافی",
                "short-term traffic flow prediction with graph neural networks",
            ),
        ],
    },
    "traffic.enforcement": {
        "stems": [("ناظر راه", "Nazer Rah"), ("پلاک‌خوان", "Pelakkhan")],
        "topic": ("ثبت تخلف و دوربین‌های نظارت ترافیکی", "traffic enforcement cameras"),
        "offers": [
            (
                "دوربین‌های پلاک‌خوان و ثبت تخلف سرعت و عبور از چراغ قرمز را با نرم‌افزار بومی عرضه می‌کنیم",
                "supply number-plate recognition and speed and red-light enforcement cameras with home-grown software",
            ),
            (
                "سامانه کنترل ورود به محدوده طرح ترافیک و هوای پاک را پیاده‌سازی می‌کنیم",
                "implement access control for congestion-charge and low-emission zones",
            ),
        ],
        "pilots": [
            (
                "{n} دوربین ثبت تخلف ما در معابر {city} نصب و به پلیس راهور متصل شده است.",
                "{n} of our enforcement cameras are installed on the "
                "streets of {city} and linked to the traffic police.",
            ),
            (
                "دقت پلاک‌خوانی سامانه ما در آزمون {m} ماهه در {city} بالای ۹۵ درصد بود.",
                "Our plate reader was more than 95 percent accurate in a {m}-month test in {city}.",
            ),
        ],
        "research": [
            (
                "تشخیص پلاک فارسی در شرایط نوری دشوار",
                "reading Persian number plates in poor lighting",
            ),
        ],
    },
    # ---------------------------------------------------------------- transit
    "transit.ticketing": {
        "stems": [("بلیت‌یار", "Belityar"), ("کرایه‌پرداز", "Kerayepardaz")],
        "topic": ("بلیت و پرداخت کرایه", "fare collection and ticketing"),
        "offers": [
            (
                "سامانه پرداخت کرایه با کارت بلیت، کد QR و تلفن همراه را برای اتوبوس و مترو اجرا می‌کنیم",
                "deliver fare collection with ticket cards, QR codes and phones for buses and metros",
            ),
            (
                "کارتخوان‌های مقاوم نصب روی اتوبوس و گیت‌های مترو را طراحی و تولید می‌کنیم",
                "design and make rugged on-board validators and metro gates",
            ),
        ],
        "pilots": [
            (
                "پرداخت با کد QR را روی {n} خط اتوبوسرانی {city} راه‌اندازی کردیم.",
                "We launched QR-code fares on {n} bus lines in {city}.",
            ),
            (
                "{n} کارتخوان ما در ناوگان {city} نصب است و تراکنش‌ها روزانه تسویه می‌شود.",
                "{n} of our validators run in the fleet of {city}, with daily settlement of all trips.",
            ),
        ],
        "research": [
            (
                "طراحی تعرفه و یکپارچه‌سازی بلیت در حمل‌ونقل همگانی",
                "fare design and integrated ticketing in public transport",
            ),
        ],
    },
    "transit.info": {
        "stems": [("ایستگاه‌نما", "Istgahnama"), ("رسیدان", "Residan")],
        "topic": ("اطلاعات مسافر و زمان رسیدن ناوگان", "passenger information and real-time arrivals"),
        "offers": [
            (
                "تابلوهای اطلاع‌رسانی زمان رسیدن اتوبوس را برای ایستگاه‌ها می‌سازیم و به ردیاب ناوگان متصل می‌کنیم",
                "build arrival-time displays for bus stops and connect them to fleet trackers",
            ),
            (
                "اپلیکیشن مسیریابی حمل‌ونقل عمومی با زمان رسیدن لحظه‌ای اتوبوس و مترو ارائه می‌دهیم",
                "offer a journey planner app with live bus and metro arrival times",
            ),
        ],
        "pilots": [
            (
                "{n} تابلوی اطلاع‌رسانی در ایستگاه‌های اتوبوس {city} نصب کردیم.",
                "We installed {n} passenger information displays at bus stops in {city}.",
            ),
            (
                "اپلیکیشن ما در {city} بیش از {n} هزار کاربر فعال ماهانه دارد.",
                "Our app has more than {n} thousand monthly users in {city}.",
            ),
        ],
        "research": [
            (
                "پیش‌بینی زمان رسیدن اتوبوس از داده GPS ناوگان",
                "predicting bus arrival times from fleet GPS data",
            ),
        ],
    },
    # ---------------------------------------------------------------- mobility
    "mobility.parking": {
        "stems": [("جاپارک", "Japark"), ("پارک‌یاب", "Parkyab")],
        "topic": ("پارکینگ هوشمند", "smart parking"),
        "offers": [
            (
                "حسگرهای جای پارک حاشیه خیابان و اپلیکیشن یافتن جای خالی و پرداخت الکترونیک پارک را ارائه می‌دهیم",
                "provide on-street parking sensors and an app that finds free spaces and takes parking payments",
            ),
            (
                "سامانه مدیریت پارکینگ‌های طبقاتی با پلاک‌خوان و راهنمای جای خالی نصب می‌کنیم",
                "install management systems for multi-storey car parks with plate readers and space guidance",
            ),
        ],
        "pilots": [
            (
                "{n} جای پارک حاشیه‌ای در مرکز {city} به حسگرهای ما مجهز شد.",
                "{n} kerbside spaces in central {city} were fitted with our sensors.",
            ),
            (
                "سامانه ما در {n} پارکینگ طبقاتی شهرداری {city} کار می‌کند.",
                "Our system runs {n} municipal multi-storey car parks in {city}.",
            ),
        ],
        "research": [
            (
                "قیمت‌گذاری پویای پارک حاشیه‌ای و اثر آن بر ترافیک",
                "dynamic kerbside parking pricing and its effect on traffic",
            ),
        ],
    },
    "mobility.micro": {
        "stems": [("رکاب", "Rekab"), ("دوچرخه‌شهر", "Docharkheshahr")],
        "topic": ("دوچرخه و اسکوتر اشتراکی", "bike and scooter sharing"),
        "offers": [
            (
                "سامانه دوچرخه اشتراکی با قفل هوشمند و ایستگاه‌های بدون اسکله اداره می‌کنیم",
                "operate a dockless bike-sharing scheme with smart locks",
            ),
            (
                "اسکوترهای برقی اشتراکی و نرم‌افزار مدیریت ناوگان آن را ارائه می‌دهیم",
                "provide shared electric scooters and the fleet software behind them",
            ),
        ],
        "pilots": [
            (
                "{n} دوچرخه اشتراکی ما به مدت {m} ماه در محدوده دانشگاه و مرکز {city} فعال بود.",
                "{n} of our shared bikes ran for {m} months around the university and centre of {city}.",
            ),
            (
                "در {city} روزانه حدود {n} سفر با ناوگان ما انجام می‌شود.",
                "About {n} trips a day are made on our fleet in {city}.",
            ),
        ],
        "research": [
            (
                "جانمایی ایستگاه‌های دوچرخه و اتصال آن به حمل‌ونقل عمومی",
                "siting bike stations and linking them to public transport",
            ),
        ],
    },
    # ---------------------------------------------------------------- roads
    "roads.maintenance": {
        "stems": [("معبرپا", "Mabarpa"), ("روکش", "Rokesh")],
        "topic": ("نگهداری و ترمیم معابر", "road and pavement maintenance"),
        "offers": [
            (
                "با دوربین نصب‌شده روی خودرو و هوش مصنوعی، چاله‌ها و ترک‌های آسفالت را شناسایی و روی نقشه ثبت می‌کنیم",
                "detect potholes and cracks with vehicle-mounted cameras and AI and put them on a map",
            ),
            (
                "سامانه مدیریت نگهداری روسازی را برای اولویت‌بندی ترمیم و روکش معابر پیاده می‌کنیم",
                "implement pavement management systems that prioritise patching and resurfacing",
            ),
        ],
        "pilots": [
            (
                "وضعیت {n} کیلومتر از معابر {city} را در {m} هفته برداشت و رتبه‌بندی کردیم.",
                "We surveyed and rated {n} kilometres of streets in {city} in {m} weeks.",
            ),
            (
                "برنامه ترمیم سالانه معابر یکی از مناطق {city} با داده سامانه ما تهیه شد.",
                "The yearly repair plan of one district of {city} was drawn up from our data.",
            ),
        ],
        "research": [
            (
                "پیش‌بینی زوال روسازی و بهینه‌سازی بودجه نگهداری",
                "pavement deterioration models and maintenance budget optimisation",
            ),
        ],
    },
    "roads.safety": {
        "stems": [("ایمن‌گذر", "Imengozar"), ("آرام‌راه", "Aramrah")],
        "topic": ("ایمنی عابر و آرام‌سازی ترافیک", "road safety and traffic calming"),
        "offers": [
            (
                "گذرگاه‌های عابر هوشمند با چراغ چشمک‌زن و حسگر حضور عابر می‌سازیم",
                "build smart pedestrian crossings with flashing lights and pedestrian detection",
            ),
            (
                "ممیزی ایمنی راه و طراحی آرام‌سازی ترافیک اطراف مدارس را انجام می‌دهیم",
                "carry out road safety audits and design traffic calming around schools",
            ),
        ],
        "pilots": [
            (
                "{n} گذرگاه عابر هوشمند در نزدیکی مدارس {city} نصب کردیم.",
                "We installed {n} smart crossings near schools in {city}.",
            ),
            (
                "در {m} ماه پس از اجرای طرح آرام‌سازی ما در {city} تصادفات جرحی محدوده کم شد.",
                "In the {m} months after our traffic-calming scheme in {city}, injury crashes in the area fell.",
            ),
        ],
        "research": [
            (
                "تحلیل نقاط پرحادثه و رفتار عابران پیاده",
                "crash hotspot analysis and pedestrian behaviour",
            ),
        ],
    },
    # ---------------------------------------------------------------- materials
    "materials.asphalt": {
        "stems": [("قیرسازان", "Ghirsazan"), ("آسفالت‌پاد", "Asphaltpad")],
        "topic": ("آسفالت و قیر", "asphalt and bitumen"),
        "offers": [
            (
                "قیر اصلاح‌شده پلیمری و افزودنی‌های آسفالت گرم برای معابر پرتردد تولید می‌کنیم",
                "produce polymer-modified bitumen and warm-mix additives for busy roads",
            ),
            (
                "آسفالت سرد آماده مصرف برای لکه‌گیری سریع چاله‌ها در زمستان عرضه می‌کنیم",
                "supply ready-to-use cold asphalt for quick pothole repairs in winter",
            ),
        ],
        "pilots": [
            (
                "{n} هزار متر مربع روکش با قیر اصلاح‌شده ما در معابر {city} اجرا شد.",
                "{n} thousand square metres of surfacing with our modified bitumen were laid in {city}.",
            ),
            (
                "آسفالت سرد ما در زمستان گذشته برای ترمیم بیش از {n} چاله در {city} به کار رفت.",
                "Last winter our cold asphalt filled more than {n} potholes in {city}.",
            ),
        ],
        "research": [
            (
                "افزایش دوام آسفالت با پودر لاستیک و الیاف",
                "longer-lasting asphalt with crumb rubber and fibres",
            ),
        ],
    },
    "materials.polymer": {
        "stems": [("پلیمرسازان", "Polymersazan"), ("کامپوزیت‌گران", "Compositgaran")],
        "topic": ("پلیمر و کامپوزیت", "polymers and composites"),
        "offers": [
            (
                "مبلمان و قطعات شهری را از پلاستیک بازیافتی و کامپوزیت مقاوم در برابر آفتاب تولید می‌کنیم",
                "make urban furniture and parts from recycled plastic and UV-resistant composites",
            ),
            (
                "دریچه و دریپوش کامپوزیتی سبک و ضدسرقت برای تأسیسات زیرزمینی می‌سازیم",
                "manufacture light, theft-proof composite manhole covers for underground networks",
            ),
        ],
        "pilots": [
            (
                "{n} دریچه کامپوزیتی ما جایگزین دریچه‌های چدنی سرقت‌شده در {city} شد.",
                "{n} of our composite covers replaced stolen cast-iron ones in {city}.",
            ),
            (
                "نیمکت‌های پلاستیک بازیافتی ما در {n} بوستان {city} نصب شده است.",
                "Our recycled-plastic benches stand in {n} parks of {city}.",
            ),
        ],
        "research": [
            (
                "کامپوزیت‌های زیست‌پایه و پلاستیک بازیافتی برای مصارف شهری",
                "bio-based composites and recycled plastics for urban uses",
            ),
        ],
    },
    # ---------------------------------------------------------------- beautification
    "beauty.facade": {
        "stems": [("نماآرا", "Namaara"), ("سیمای شهر", "Simaye Shahr")],
        "topic": ("نما و منظر شهری", "facades and cityscape"),
        "offers": [
            (
                "طرح ساماندهی نمای جداره‌های خیابان‌های تاریخی و تجاری را تهیه و اجرا می‌کنیم",
                "design and carry out facade improvement schemes for historic and commercial streets",
            ),
            (
                "دیوارنگاره و آثار هنری شهری را با رنگ‌های مقاوم و مشارکت هنرمندان محلی اجرا می‌کنیم",
                "paint murals and public art with durable paints, working with local artists",
            ),
        ],
        "pilots": [
            (
                "نمای {n} ساختمان در یک محور تجاری {city} را با همکاری مالکان بازسازی کردیم.",
                "We renovated the facades of {n} buildings along a shopping street in {city} with their owners.",
            ),
            (
                "{n} دیوارنگاره ما در {city} اجرا شده است.",
                "{n} of our murals have been painted in {city}.",
            ),
        ],
        "research": [
            (
                "هویت بصری و ضوابط نما در بافت‌های تاریخی",
                "visual identity and facade guidelines in historic districts",
            ),
        ],
    },
    "beauty.furniture": {
        "stems": [("نیمکت", "Nimkat"), ("مبلمان‌شهر", "Mobleman Shahr")],
        "topic": ("مبلمان شهری", "urban furniture"),
        "offers": [
            (
                "نیمکت، سطل، سایه‌بان ایستگاه و آبخوری شهری را طراحی و تولید می‌کنیم",
                "design and make benches, litter bins, shelters and drinking fountains",
            ),
            (
                "مبلمان شهری هوشمند با شارژر خورشیدی و اینترنت بی‌سیم می‌سازیم",
                "build smart street furniture with solar chargers and Wi-Fi",
            ),
        ],
        "pilots": [
            (
                "{n} سایه‌بان ایستگاه اتوبوس طراحی ما در {city} نصب شد.",
                "{n} bus shelters of our design were installed in {city}.",
            ),
            (
                "{n} نیمکت هوشمند خورشیدی ما در بوستان‌ها و میدان‌های {city} کار می‌کند.",
                "{n} of our solar smart benches work in the parks and squares of {city}.",
            ),
        ],
        "research": [
            (
                "طراحی ارگونومیک و همه‌شمول مبلمان شهری",
                "ergonomic and inclusive urban furniture design",
            ),
        ],
    },
    "beauty.lighting_design": {
        "stems": [("نورآرا", "Noorara"), ("شب‌نما", "Shabnama")],
        "topic": ("نورپردازی معماری و تزئینی", "architectural and decorative lighting"),
        "offers": [
            (
                "نورپردازی معماری بناهای تاریخی، پل‌ها و میدان‌ها را با چراغ‌های LED قابل برنامه‌ریزی طراحی و اجرا می‌کنیم",
                "design and install programmable LED lighting for historic buildings, bridges and squares",
            ),
            (
                "نورپردازی مناسبتی و جشنواره‌ای شهر را با کنترل مرکزی و مصرف کم اجرا می‌کنیم",
                "run festive and event lighting for the city with central control and low consumption",
            ),
        ],
        "pilots": [
            (
                "نورپردازی {n} بنای شاخص {city} را اجرا کرده‌ایم.",
                "We have lit {n} landmark buildings in {city}.",
            ),
            (
                "نورپردازی یک پل تاریخی در {city} را با مصرف کمتر از نصف طرح قبلی اجرا کردیم.",
                "We relit a historic bridge in {city} with less than half the energy of the old scheme.",
            ),
        ],
        "research": [
            (
                "آلودگی نوری و طراحی نور شبانه شهر",
                "light pollution and night-time lighting design",
            ),
        ],
    },
    # ---------------------------------------------------------------- smart city
    "smart.citizen_app": {
        "stems": [("شهرزاد", "Shahrzad"), ("سامانه‌یار", "Samaneyar")],
        "topic": ("اپلیکیشن و سامانه خدمات شهروندی", "citizen apps and service requests"),
        "offers": [
            (
                "اپلیکیشن شهروندی برای ثبت درخواست‌ها و گزارش مشکلات شهری با عکس و موقعیت می‌سازیم",
                "build citizen apps for service requests and reporting urban problems with a photo and a location",
            ),
            (
                "سامانه ۱۳۷ و پیگیری درخواست‌های مردمی را به اپلیکیشن و پیام‌رسان‌های داخلی متصل می‌کنیم",
                "connect the 137 hotline and request tracking to mobile apps and local messengers",
            ),
        ],
        "pilots": [
            (
                "اپلیکیشن ما در {city} بیش از {n} هزار کاربر دارد و درخواست‌ها به‌طور خودکار به واحد مسئول ارجاع می‌شود.",
                "Our app has more than {n} thousand users in {city}, and "
                "requests are routed to the right unit automatically.",
            ),
            (
                "زمان پاسخ به درخواست‌های شهروندان {city} در {m} ماه اول استفاده از سامانه ما کوتاه‌تر شد.",
                "Response times to citizens' requests in {city} fell in the first {m} months on our system.",
            ),
        ],
        "research": [
            (
                "طبقه‌بندی خودکار درخواست‌های شهروندی با پردازش زبان فارسی",
                "classifying citizens' requests automatically with Persian language processing",
            ),
        ],
    },
    "smart.payments": {
        "stems": [("درگاه‌شهر", "Dargahshahr"), ("پرداخت‌نو", "Pardakhtno")],
        "topic": ("پرداخت و خدمات الکترونیک", "e-payments and e-services"),
        "offers": [
            (
                "درگاه پرداخت عوارض نوسازی، پسماند و پروانه‌های ساختمانی را برای شهرداری‌ها راه‌اندازی می‌کنیم",
                "set up payment gateways for municipal property, waste and building permit fees",
            ),
            (
                "کیف پول شهروندی یکپارچه برای پارک، حمل‌ونقل و خدمات شهری ارائه می‌دهیم",
                "offer a single citizen wallet for parking, transport and city services",
            ),
        ],
        "pilots": [
            (
                "عوارض {n} هزار پرونده در {city} از طریق درگاه ما پرداخت شده است.",
                "Fees for {n} thousand property files in {city} have been paid through our gateway.",
            ),
            (
                "کیف پول ما در {m} ماه به {n} خدمت شهرداری {city} متصل شد.",
                "Within {m} months our wallet was connected to {n} municipal services in {city}.",
            ),
        ],
        "research": [
            (
                "امنیت و دسترس‌پذیری خدمات الکترونیک دولت محلی",
                "security and accessibility of local e-government services",
            ),
        ],
    },
    "smart.gis": {
        "stems": [("نقشه‌نگار", "Naghshenegar"), ("مکان‌داده", "Makandadeh")],
        "topic": ("سامانه اطلاعات مکانی", "GIS and spatial data"),
        "offers": [
            (
                "سامانه اطلاعات مکانی شهری و نقشه‌های پایه را با تصاویر پهپاد و برداشت میدانی به‌روز می‌کنیم",
                "build urban GIS and keep base maps current with drone imagery and field surveys",
            ),
            (
                "نقشه تأسیسات زیرزمینی و لایه‌های مکانی واحدهای شهرداری را یکپارچه می‌کنیم",
                "bring together underground utility maps and the spatial layers of municipal units",
            ),
        ],
        "pilots": [
            (
                "{n} کیلومتر مربع از {city} را با پهپاد نقشه‌برداری و در GIS شهرداری وارد کردیم.",
                "We mapped {n} square kilometres of {city} by drone and loaded it into the municipal GIS.",
            ),
            (
                "{n} لایه اطلاعات مکانی واحدهای شهرداری {city} را در یک سامانه یکپارچه کردیم.",
                "We merged {n} spatial layers of the municipal units of {city} into one system.",
            ),
        ],
        "research": [
            (
                "تحلیل مکانی و دوقلوی دیجیتال شهر",
                "spatial analysis and urban digital twins",
            ),
        ],
    },
    "smart.iot_network": {
        "stems": [("اشیانت", "Ashyanet"), ("حسگرنت", "Hesgarnet")],
        "topic": ("شبکه اینترنت اشیا و حسگرها", "IoT networks and sensors"),
        "offers": [
            (
                "شبکه LoRaWAN شهری و درگاه‌های آن را نصب و بهره‌برداری می‌کنیم",
                "install and operate city-wide LoRaWAN networks and gateways",
            ),
            (
                "بستر مدیریت دستگاه‌های اینترنت اشیا و گردآوری داده حسگرها را ارائه می‌دهیم",
                "provide a platform for managing IoT devices and collecting sensor data",
            ),
        ],
        "pilots": [
            (
                "{n} درگاه LoRaWAN ما پوشش مرکز {city} را فراهم می‌کند.",
                "{n} of our LoRaWAN gateways cover the centre of {city}.",
            ),
            (
                "بستر ما داده بیش از {n} حسگر شهری در {city} را گردآوری می‌کند.",
                "Our platform collects data from more than {n} urban sensors in {city}.",
            ),
        ],
        "research": [
            (
                "شبکه‌های کم‌توان گسترده و مصرف انرژی حسگرها",
                "low-power wide-area networks and sensor energy use",
            ),
        ],
    },
    "smart.cybersecurity": {
        "stems": [("امن‌پایا", "Amanpaya"), ("سپرداده", "Separdadeh")],
        "topic": ("امنیت سایبری", "cybersecurity"),
        "offers": [
            (
                "ارزیابی امنیتی و آزمون نفوذ سامانه‌ها و شبکه‌های شهرداری را انجام می‌دهیم",
                "carry out security assessments and penetration tests of municipal systems and networks",
            ),
            (
                "مرکز عملیات امنیت و پایش رخدادها را برای سازمان‌های شهری راه‌اندازی و اداره می‌کنیم",
                "set up and run security operations centres and incident monitoring for city organizations",
            ),
        ],
        "pilots": [
            (
                "امنیت {n} سامانه شهرداری {city} را ارزیابی و آسیب‌پذیری‌ها را رفع کردیم.",
                "We assessed {n} systems of the {city} municipality and had their weaknesses fixed.",
            ),
            (
                "مرکز پایش امنیت ما رخدادهای شبکه شهرداری {city} را شبانه‌روزی رصد می‌کند.",
                "Our security operations centre watches the {city} municipal network day and night.",
            ),
        ],
        "research": [
            (
                "امنیت سامانه‌های کنترل صنعتی و زیرساخت‌های شهری",
                "security of industrial control systems and urban infrastructure",
            ),
        ],
    },
    "smart.data_platform": {
        "stems": [("داده‌نما", "Dadenama"), ("شهرسنج", "Shahrsanj")],
        "topic": ("داشبورد مدیریتی و داده باز", "urban data platforms and dashboards"),
        "offers": [
            (
                "داشبورد مدیریتی شهر را با یکپارچه‌سازی داده سامانه‌های پراکنده واحدهای شهرداری می‌سازیم",
                "build city dashboards by bringing together data from scattered municipal systems",
            ),
            (
                "درگاه داده باز شهری و واسط‌های برنامه‌نویسی آن را راه‌اندازی می‌کنیم",
                "launch open-data portals and APIs for cities",
            ),
        ],
        "pilots": [
            (
                "داشبورد ما {n} شاخص کلیدی شهرداری {city} را به‌صورت روزانه نمایش می‌دهد.",
                "Our dashboard shows {n} key indicators of the {city} municipality every day.",
            ),
            (
                "درگاه داده باز {city} با {n} مجموعه داده روی بستر ما راه‌اندازی شد.",
                "The open-data portal of {city} launched on our platform with {n} data sets.",
            ),
        ],
        "research": [
            (
                "حکمرانی داده و شاخص‌های شهر هوشمند",
                "data governance and smart-city indicators",
            ),
        ],
    },
    # ---------------------------------------------------------------- telecom
    "telecom.siting": {
        "stems": [("دکل‌یاب", "Dakalyab"), ("سایت‌نگار", "Sitenegar")],
        "topic": ("مکان‌یابی و ساماندهی دکل‌ها", "antenna and mast siting"),
        "offers": [
            (
                "مکان‌یابی دکل‌های مخابراتی را با تحلیل پوشش و ضوابط شهری "
                "انجام می‌دهیم و اشتراک دکل بین اپراتورها را مدیریت می‌کنیم",
                "site telecom masts from coverage analysis and planning "
                "rules, and manage mast sharing between operators",
            ),
            (
                "بانک اطلاعات دکل‌ها و سامانه صدور مجوز نصب آنتن را برای شهرداری‌ها پیاده می‌کنیم",
                "implement mast registers and antenna permit systems for municipalities",
            ),
        ],
        "pilots": [
            (
                "{n} دکل مخابراتی در {city} را شناسنامه‌دار کردیم و برای جابه‌جایی دکل‌های ناهمگون پیشنهاد دادیم.",
                "We registered {n} masts in {city} and proposed where the unsightly ones should move.",
            ),
            (
                "با اشتراک دکل، تعداد دکل‌های جدید یک منطقه {city} به کمتر از نصف رسید.",
                "Thanks to mast sharing, one district of {city} needed less than half the new masts.",
            ),
        ],
        "research": [
            (
                "برنامه‌ریزی پوشش شبکه نسل پنجم در بافت شهری",
                "5G coverage planning in dense urban areas",
            ),
        ],
    },
    "telecom.emf": {
        "stems": [("موج‌سنج", "Mowjsanj"), ("تشعشع‌پا", "Tashaoshpa")],
        "topic": ("اندازه‌گیری تشعشع امواج", "EMF radiation measurement"),
        "offers": [
            (
                "میدان الکترومغناطیسی اطراف دکل‌ها و آنتن‌ها را با تجهیزات کالیبره اندازه‌گیری و گزارش می‌کنیم",
                "measure and report electromagnetic fields around masts and antennas with calibrated equipment",
            ),
            (
                "ایستگاه‌های پایش پیوسته تشعشع با نمایش عمومی نتایج نصب می‌کنیم",
                "install continuous EMF monitoring stations that publish their readings",
            ),
        ],
        "pilots": [
            (
                "تشعشع اطراف {n} دکل نزدیک مدارس و بیمارستان‌های {city} را اندازه‌گیری کردیم.",
                "We measured the fields around {n} masts near schools and hospitals in {city}.",
            ),
            (
                "{n} ایستگاه پایش پیوسته ما نتایج را به‌طور عمومی در {city} منتشر می‌کند.",
                "{n} of our monitoring stations publish their readings in {city}.",
            ),
        ],
        "research": [
            (
                "ارزیابی مواجهه مردم با امواج رادیویی",
                "assessing public exposure to radio-frequency fields",
            ),
        ],
    },
    "telecom.camouflage": {
        "stems": [("دکل‌آرا", "Dakalara"), ("هم‌منظر", "Hammanzar")],
        "topic": ("دکل‌های استتاری", "camouflaged masts"),
        "offers": [
            (
                "دکل‌های استتاری به شکل درخت، تیر روشنایی و المان شهری طراحی و تولید می‌کنیم",
                "design and make camouflaged masts shaped as trees, lamp posts and urban landmarks",
            ),
            (
                "پوشش‌های کامپوزیتی عبوردهنده امواج برای پنهان کردن آنتن روی بام و نما می‌سازیم",
                "make radio-transparent composite covers that hide antennas on roofs and facades",
            ),
        ],
        "pilots": [
            (
                "{n} دکل درختی ما در بوستان‌ها و بلوارهای {city} نصب شده است.",
                "{n} of our tree masts stand in the parks and boulevards of {city}.",
            ),
            (
                "آنتن‌های {n} ساختمان در بافت تاریخی {city} را با پوشش‌های ما پنهان کردیم.",
                "We hid the antennas of {n} buildings in the historic core of {city} under our covers.",
            ),
        ],
        "research": [
            (
                "مواد عبوردهنده امواج برای پوشش آنتن",
                "radio-transparent materials for antenna covers",
            ),
        ],
    },
    # ---------------------------------------------------------------- energy
    "energy.audit": {
        "stems": [("کم‌مصرف", "Kammasraf"), ("انرژی‌سنج", "Energysanj")],
        "topic": ("ممیزی و بهینه‌سازی مصرف انرژی", "energy audits and efficiency"),
        "offers": [
            (
                "ممیزی انرژی ساختمان‌های اداری و تأسیسات شهرداری را انجام "
                "می‌دهیم و اصلاحات را با قرارداد صرفه‌جویی اجرا می‌کنیم",
                "audit municipal buildings and plants and carry out retrofits under energy-saving contracts",
            ),
            (
                "کنتورهای هوشمند و سامانه پایش مصرف برق، گاز و آب ساختمان‌ها را نصب می‌کنیم",
                "install smart meters and consumption monitoring for electricity, gas and water in buildings",
            ),
        ],
        "pilots": [
            (
                "ممیزی انرژی {n} ساختمان شهرداری {city} را انجام دادیم و مصرف آن‌ها پس از اصلاحات کاهش یافت.",
                "We audited {n} municipal buildings in {city}; their consumption fell after the retrofits.",
            ),
            (
                "مصرف انرژی {n} ساختمان اداری {city} با سامانه ما به‌صورت ساعتی پایش می‌شود.",
                "The energy use of {n} office buildings in {city} is monitored hourly with our system.",
            ),
        ],
        "research": [
            (
                "بهینه‌سازی مصرف انرژی ساختمان‌های عمومی",
                "energy efficiency in public buildings",
            ),
        ],
    },
    "energy.solar": {
        "stems": [("خورتاب", "Khortab"), ("آفتاب‌گستر", "Aftabgostar")],
        "topic": ("انرژی خورشیدی و تجدیدپذیر", "solar and renewable energy"),
        "offers": [
            (
                "نیروگاه‌های خورشیدی بام و زمین را برای ساختمان‌ها و پارکینگ‌های شهرداری طراحی و نصب می‌کنیم",
                "design and install rooftop and ground-mounted solar plants for municipal buildings and car parks",
            ),
            (
                "پنل خورشیدی و اینورتر را با بیشترین سهم ساخت داخل تولید می‌کنیم",
                "make solar panels and inverters with a high share of local content",
            ),
        ],
        "pilots": [
            (
                "نیروگاه خورشیدی {n} کیلوواتی روی بام ساختمان مرکزی شهرداری {city} نصب کردیم.",
                "We installed a {n}-kilowatt solar plant on the roof of the {city} city hall.",
            ),
            (
                "سایه‌بان‌های خورشیدی ما در {n} پارکینگ {city} برق تولید می‌کنند.",
                "Our solar canopies generate power in {n} car parks in {city}.",
            ),
        ],
        "research": [
            (
                "سامانه‌های فتوولتائیک متصل به شبکه در اقلیم گرم و خشک",
                "grid-connected photovoltaics in hot, dry climates",
            ),
        ],
    },
    "energy.streetlight": {
        "stems": [("روشنا", "Roshana"), ("معبرنور", "Mabarnoor")],
        "topic": ("روشنایی معابر", "street lighting"),
        "offers": [
            (
                "چراغ‌های LED معابر با کنترل از راه دور و کم‌نور شدن خودکار در نیمه‌شب تولید می‌کنیم",
                "make LED street lights with remote control and automatic dimming after midnight",
            ),
            (
                "سامانه مدیریت هوشمند روشنایی معابر را روی شبکه موجود نصب و خاموشی‌ها را پایش می‌کنیم",
                "install smart street-lighting management on existing networks and monitor outages",
            ),
        ],
        "pilots": [
            (
                "{n} چراغ معبر در {city} را با LED هوشمند ما جایگزین کردیم.",
                "We replaced {n} street lights in {city} with our smart LED luminaires.",
            ),
            (
                "در {m} ماه آزمایش در {city} مصرف برق روشنایی معابر محدوده کاهش چشمگیر داشت.",
                "In a {m}-month test in {city}, street-lighting power use in the area fell markedly.",
            ),
        ],
        "research": [
            (
                "کنترل تطبیقی روشنایی معابر بر پایه تردد",
                "traffic-adaptive street lighting control",
            ),
        ],
    },
    "energy.ev_charging": {
        "stems": [("برق‌ران", "Barghran"), ("شارژینو", "Sharjino")],
        "topic": ("شارژ خودروی برقی", "EV charging infrastructure"),
        "offers": [
            (
                "ایستگاه‌های شارژ خودرو و موتورسیکلت برقی را با نرم‌افزار پرداخت و رزرو تولید و نصب می‌کنیم",
                "make and install charging stations for electric cars and motorbikes with payment and booking software",
            ),
            (
                "مکان‌یابی ایستگاه‌های شارژ و تأمین برق آن‌ها را برای شهرداری‌ها مطالعه می‌کنیم",
                "plan where cities should put charging stations and how to power them",
            ),
        ],
        "pilots": [
            (
                "{n} ایستگاه شارژ ما در پارکینگ‌های عمومی {city} فعال است.",
                "{n} of our chargers are running in public car parks in {city}.",
            ),
            (
                "ناوگان موتورسیکلت برقی خدمات شهری {city} با شارژرهای ما کار می‌کند.",
                "The electric motorbike fleet of the {city} city services runs on our chargers.",
            ),
        ],
        "research": [
            (
                "اثر شارژ خودروهای برقی بر شبکه توزیع برق شهری",
                "the impact of EV charging on urban distribution grids",
            ),
        ],
    },
    # ---------------------------------------------------------------- environment
    "env.air": {
        "stems": [("هواسنج", "Havasanj"), ("پاک‌هوا", "Pakhava")],
        "topic": ("پایش کیفیت هوا", "air quality monitoring"),
        "offers": [
            (
                "ایستگاه‌های کم‌هزینه پایش ذرات معلق و گازهای آلاینده هوا را با کالیبراسیون میدانی می‌سازیم",
                "build low-cost stations that monitor particulates and pollutant gases, calibrated in the field",
            ),
            (
                "مدل پیش‌بینی آلودگی هوا و هشدار روزهای ناسالم را برای شهرها ارائه می‌دهیم",
                "provide air pollution forecasts and warnings of unhealthy days for cities",
            ),
        ],
        "pilots": [
            (
                "شبکه {n} ایستگاهی ما کیفیت هوای محله‌های {city} را به‌صورت لحظه‌ای منتشر می‌کند.",
                "Our network of {n} stations publishes live air quality for the neighbourhoods of {city}.",
            ),
            (
                "پیش‌بینی ما در {m} ماه گذشته روزهای ناسالم {city} را یک روز زودتر اعلام کرد.",
                "Over the last {m} months our forecast announced unhealthy days in {city} a day early.",
            ),
        ],
        "research": [
            (
                "منشأیابی ذرات معلق و اثر ترافیک بر کیفیت هوا",
                "particulate source apportionment and the effect of traffic on air quality",
            ),
        ],
    },
    "env.noise": {
        "stems": [("آرامش", "Aramesh"), ("صداسنج", "Sedasanj")],
        "topic": ("پایش و کاهش آلودگی صوتی", "noise monitoring and abatement"),
        "offers": [
            (
                "نقشه صوتی شهر را با حسگرهای تراز صدا و مدل‌سازی انتشار صوت تهیه می‌کنیم",
                "make city noise maps with sound-level sensors and propagation models",
            ),
            (
                "دیوارهای صوتی و پوشش‌های جاذب صدا برای بزرگراه‌ها و ایستگاه‌های مترو طراحی و اجرا می‌کنیم",
                "design and build noise barriers and sound-absorbing linings for highways and metro stations",
            ),
        ],
        "pilots": [
            (
                "نقشه صوتی {n} کیلومتر از بزرگراه‌های {city} را تهیه کردیم.",
                "We mapped the noise along {n} kilometres of highways in {city}.",
            ),
            (
                "دیوار صوتی ما در کنار یک بزرگراه {city} تراز صدای خانه‌های مجاور را به‌طور محسوس کاهش داد.",
                "Our barrier beside a highway in {city} clearly lowered the noise in the homes next to it.",
            ),
        ],
        "research": [
            (
                "مدل‌سازی آلودگی صوتی ترافیک",
                "modelling traffic noise",
            ),
        ],
    },
    # ---------------------------------------------------------------- water
    "water.leak": {
        "stems": [("نشت‌یاب", "Neshtyab"), ("آب‌پا", "Abpa")],
        "topic": ("نشت‌یابی و کاهش هدررفت آب", "water leak detection"),
        "offers": [
            (
                "نشت شبکه آب را با حسگرهای صوتی و تحلیل فشار و جریان شبکه پیدا می‌کنیم",
                "find leaks in water networks with acoustic loggers and pressure and flow analysis",
            ),
            (
                "مدیریت فشار و ناحیه‌بندی شبکه آب را برای کاهش آب بدون درآمد اجرا می‌کنیم",
                "carry out pressure management and district metering to cut non-revenue water",
            ),
        ],
        "pilots": [
            (
                "در {n} کیلومتر از شبکه آب {city} نشت‌یابی کردیم و ده‌ها نقطه نشت پنهان را یافتیم.",
                "We surveyed {n} kilometres of the {city} water network and found dozens of hidden leaks.",
            ),
            (
                "{n} ناحیه مجزای اندازه‌گیری در شبکه آب {city} ایجاد کردیم.",
                "We set up {n} district metered areas in the water network of {city}.",
            ),
        ],
        "research": [
            (
                "تشخیص نشت با یادگیری ماشین روی داده فشار شبکه",
                "leak detection with machine learning on network pressure data",
            ),
        ],
    },
    "water.irrigation": {
        "stems": [("آبیار", "Abyar"), ("قطره‌نگار", "Ghatrenegar")],
        "topic": ("آبیاری هوشمند فضای سبز", "smart irrigation"),
        "offers": [
            (
                "کنترلرهای آبیاری هوشمند با حسگر رطوبت خاک و داده هواشناسی برای فضای سبز شهری می‌سازیم",
                "build smart irrigation controllers for urban green space using soil moisture and weather data",
            ),
            (
                "شبکه آبیاری قطره‌ای و زیرسطحی بوستان‌ها و بلوارها را طراحی و اجرا می‌کنیم",
                "design and install drip and subsurface irrigation for parks and boulevards",
            ),
        ],
        "pilots": [
            (
                "آبیاری {n} هکتار از فضای سبز {city} با کنترلرهای ما انجام می‌شود و مصرف آب کاهش یافته است.",
                "{n} hectares of green space in {city} are watered by our controllers, with lower water use.",
            ),
            (
                "در {m} ماه آزمایش در یکی از بوستان‌های {city} مصرف آب آبیاری نزدیک به یک‌سوم کم شد.",
                "In a {m}-month test in a park in {city}, irrigation water use fell by nearly a third.",
            ),
        ],
        "research": [
            (
                "نیاز آبی گیاهان فضای سبز و استفاده از پساب",
                "water needs of urban plantings and reuse of treated wastewater",
            ),
        ],
    },
    "water.quality": {
        "stems": [("زلال", "Zolal"), ("آب‌سنج", "Absanj")],
        "topic": ("پایش کیفیت آب", "water quality monitoring"),
        "offers": [
            (
                "ایستگاه‌های برخط پایش کیفیت آب با اندازه‌گیری کلر، کدورت و هدایت الکتریکی تولید می‌کنیم",
                "make online water quality stations that measure chlorine, turbidity and conductivity",
            ),
            (
                "آزمایشگاه سیار آزمون آب آشامیدنی و منابع آب شهری را اداره می‌کنیم",
                "run a mobile laboratory that tests drinking water and urban water sources",
            ),
        ],
        "pilots": [
            (
                "{n} ایستگاه پایش کیفیت آب ما در شبکه توزیع {city} نصب شده است.",
                "{n} of our water quality stations are installed in the {city} distribution network.",
            ),
            (
                "کیفیت آب {n} قنات و چاه در حاشیه {city} را به مدت {m} ماه پایش کردیم.",
                "We monitored {n} qanats and wells around {city} for {m} months.",
            ),
        ],
        "research": [
            (
                "حسگرهای ارزان کیفیت آب و هشدار زودهنگام آلودگی",
                "low-cost water quality sensors and early pollution warning",
            ),
        ],
    },
    # ---------------------------------------------------------------- green space
    "green.urban_forest": {
        "stems": [("درخت‌یار", "Derakhtyar"), ("جنگل‌شهر", "Jangalshahr")],
        "topic": ("جنگل شهری و نگهداری درختان", "urban forest and tree care"),
        "offers": [
            (
                "شناسنامه درختان شهر را با برچسب و سامانه ثبت سلامت درخت تهیه می‌کنیم",
                "build tree inventories with tags and a tree-health register",
            ),
            (
                "هرس اصولی، درمان آفات و جابه‌جایی درختان کهنسال را با تیم متخصص انجام می‌دهیم",
                "prune, treat pests and move old trees with a team of arborists",
            ),
        ],
        "pilots": [
            (
                "شناسنامه {n} هزار اصله درخت در خیابان‌های {city} را تهیه کردیم.",
                "We tagged and recorded {n} thousand street trees in {city}.",
            ),
            (
                "{n} اصله درخت کهنسال را در طرح‌های عمرانی {city} با موفقیت جابه‌جا کردیم.",
                "We moved {n} old trees out of the way of civil works in {city}.",
            ),
        ],
        "research": [
            (
                "گونه‌های مقاوم به خشکی برای جنگل‌کاری شهری",
                "drought-tolerant species for urban afforestation",
            ),
        ],
    },
    "green.landscape": {
        "stems": [("باغ‌آرا", "Baghara"), ("منظرسازان", "Manzarsazan")],
        "topic": ("طراحی و نگهداری پارک و منظر", "park and landscape design"),
        "offers": [
            (
                "بوستان‌های محله‌ای و پارک‌های خطی را با گیاهان کم‌آب‌بر طراحی و اجرا می‌کنیم",
                "design and build neighbourhood parks and linear parks with low-water planting",
            ),
            (
                "نگهداری فضای سبز را با برنامه زمان‌بندی و گزارش تصویری به پیمانکار و ناظر انجام می‌دهیم",
                "maintain green spaces with scheduled work and photo reports for contractors and supervisors",
            ),
        ],
        "pilots": [
            (
                "{n} بوستان محله‌ای در {city} طراحی ما را اجرا کرده‌اند.",
                "{n} neighbourhood parks in {city} have been built to our designs.",
            ),
            (
                "نگهداری {n} هکتار فضای سبز {city} را بر عهده داریم.",
                "We look after {n} hectares of green space in {city}.",
            ),
        ],
        "research": [
            (
                "طراحی منظر سازگار با کم‌آبی",
                "landscape design for water scarcity",
            ),
        ],
    },
    # ---------------------------------------------------------------- safety
    "safety.fire": {
        "stems": [("آتش‌بان", "Atashban"), ("شعله‌پا", "Sholepa")],
        "topic": ("آتش‌نشانی و ایمنی حریق", "fire safety and firefighting"),
        "offers": [
            (
                "سامانه‌های اعلام و اطفای حریق را برای ساختمان‌های بلند و مراکز تجاری طراحی و نصب می‌کنیم",
                "design and install fire detection and suppression for high-rises and shopping centres",
            ),
            (
                "تجهیزات آتش‌نشانی سبک و خودروهای واکنش سریع را برای معابر باریک بافت قدیم می‌سازیم",
                "build light firefighting equipment and rapid-response "
                "vehicles for the narrow streets of old districts",
            ),
        ],
        "pilots": [
            (
                "سامانه اعلام حریق {n} ساختمان بلندمرتبه در {city} را اجرا کرده‌ایم.",
                "We have fitted fire alarm systems in {n} high-rise buildings in {city}.",
            ),
            (
                "{n} خودروی واکنش سریع ما در ایستگاه‌های آتش‌نشانی {city} خدمت می‌کند.",
                "{n} of our rapid-response vehicles serve the fire stations of {city}.",
            ),
        ],
        "research": [
            (
                "شبیه‌سازی گسترش دود و تخلیه اضطراری ساختمان‌ها",
                "simulating smoke spread and building evacuation",
            ),
        ],
    },
    "safety.flood": {
        "stems": [("سیلاب‌بان", "Seylabban"), ("روان‌آب", "Ravanab")],
        "topic": ("سیلاب و آب‌های سطحی", "flood and stormwater management"),
        "offers": [
            (
                "شبکه جمع‌آوری آب‌های سطحی و مسیل‌های شهری را مدل‌سازی و طراحی می‌کنیم",
                "model and design stormwater drainage and urban flood channels",
            ),
            (
                "سامانه هشدار سیل با حسگر تراز آب در مسیل‌ها و زیرگذرها نصب می‌کنیم",
                "install flood warning systems with water-level sensors in channels and underpasses",
            ),
        ],
        "pilots": [
            (
                "{n} حسگر تراز آب ما در مسیل‌ها و زیرگذرهای {city} هشدار سیل می‌دهند.",
                "{n} of our water-level sensors give flood warnings in the channels and underpasses of {city}.",
            ),
            (
                "طرح جامع آب‌های سطحی یکی از مناطق {city} را تهیه کردیم.",
                "We prepared the stormwater master plan for one district of {city}.",
            ),
        ],
        "research": [
            (
                "مدل‌سازی سیلاب شهری و زیرساخت سبز",
                "urban flood modelling and green infrastructure",
            ),
        ],
    },
    "safety.earthquake": {
        "stems": [("پایدارسازه", "Paydarsazeh"), ("زلزله‌نگار", "Zelzelenegar")],
        "topic": ("زلزله و مقاوم‌سازی", "earthquake resilience and retrofitting"),
        "offers": [
            (
                "ارزیابی لرزه‌ای و طرح مقاوم‌سازی ساختمان‌های عمومی، مدارس و بیمارستان‌ها را انجام می‌دهیم",
                "assess public buildings, schools and hospitals for earthquakes and design their retrofits",
            ),
            (
                "شتاب‌نگار و حسگر پایش سلامت سازه برای پل‌ها و ساختمان‌های مهم می‌سازیم",
                "make accelerographs and structural health monitoring sensors for bridges and key buildings",
            ),
        ],
        "pilots": [
            (
                "{n} مدرسه و ساختمان عمومی {city} را ارزیابی لرزه‌ای و برای مقاوم‌سازی اولویت‌بندی کردیم.",
                "We assessed {n} schools and public buildings in {city} and ranked them for retrofitting.",
            ),
            (
                "{n} حسگر پایش سلامت سازه ما روی پل‌های {city} نصب است.",
                "{n} of our structural health sensors are fitted to bridges in {city}.",
            ),
        ],
        "research": [
            (
                "آسیب‌پذیری لرزه‌ای بافت‌های فرسوده شهری",
                "seismic vulnerability of run-down urban districts",
            ),
        ],
    },
    # ---------------------------------------------------------------- health
    "health.ems": {
        "stems": [("امدادیار", "Emdadyar"), ("نبض", "Nabz")],
        "topic": ("فوریت‌های پزشکی", "emergency medical services"),
        "offers": [
            (
                "سامانه اعزام آمبولانس و موتورلانس با مسیریابی بر اساس ترافیک لحظه‌ای ارائه می‌دهیم",
                "provide ambulance and motorbike-ambulance dispatch with live-traffic routing",
            ),
            (
                "دستگاه‌های شوک قلبی عمومی و اپلیکیشن فراخوان داوطلبان امدادی را راه‌اندازی می‌کنیم",
                "set up public defibrillators and an app that calls trained volunteers to emergencies",
            ),
        ],
        "pilots": [
            (
                "سامانه اعزام ما در {city} زمان رسیدن آمبولانس را در {m} ماه آزمایش کوتاه‌تر کرد.",
                "Our dispatch system shortened ambulance arrival times in {city} during a {m}-month trial.",
            ),
            (
                "{n} دستگاه شوک قلبی در اماکن عمومی {city} نصب و به اپلیکیشن ما متصل شد.",
                "{n} public defibrillators in {city} were installed and linked to our app.",
            ),
        ],
        "research": [
            (
                "جانمایی پایگاه‌های اورژانس و زمان پاسخ",
                "siting emergency bases and response times",
            ),
        ],
    },
    # ---------------------------------------------------------------- culture
    "culture.engagement": {
        "stems": [("هم‌شهر", "Hamshahr"), ("مشارکت‌نو", "Mosharekatno")],
        "topic": ("مشارکت شهروندی و آموزش همگانی", "citizen engagement and public awareness"),
        "offers": [
            (
                "کارزارهای آموزش شهروندی و بازی‌های آموزشی برای مدارس و محله‌ها طراحی و اجرا می‌کنیم",
                "design and run public awareness campaigns and educational games for schools and neighbourhoods",
            ),
            (
                "بستر نظرسنجی و بودجه‌ریزی مشارکتی برای شهرداری‌ها ارائه می‌دهیم",
                "provide polling and participatory budgeting platforms for municipalities",
            ),
        ],
        "pilots": [
            (
                "کارزار آموزشی ما در {n} مدرسه {city} اجرا شد.",
                "Our awareness campaign ran in {n} schools in {city}.",
            ),
            (
                "بیش از {n} هزار شهروند {city} در بودجه‌ریزی مشارکتی روی بستر ما رأی دادند.",
                "More than {n} thousand residents of {city} voted in participatory budgeting on our platform.",
            ),
        ],
        "research": [
            (
                "رفتار شهروندی و ارزیابی اثر کارزارهای آموزشی",
                "civic behaviour and evaluating awareness campaigns",
            ),
        ],
    },
    # ---------------------------------------------------------------- industry
    "industry.estate_mgmt": {
        "stems": [("شهرک‌یار", "Shahrakyar"), ("صنعت‌نگار", "Sanatnegar")],
        "topic": ("مدیریت شهرک‌های صنعتی", "industrial estate management"),
        "offers": [
            (
                "سامانه یکپارچه مدیریت شهرک صنعتی شامل قراردادها، انشعابات و خدمات واحدها را ارائه می‌دهیم",
                "provide an integrated management system for industrial "
                "estates covering contracts, utilities and tenant services",
            ),
            (
                "پایش پساب و پسماند صنعتی واحدهای شهرک را با حسگرهای برخط انجام می‌دهیم",
                "monitor industrial wastewater and waste from estate tenants with online sensors",
            ),
        ],
        "pilots": [
            (
                "سامانه ما در {n} شهرک صنعتی اطراف {city} به کار رفته است.",
                "Our system is used in {n} industrial estates around {city}.",
            ),
            (
                "پساب {n} واحد تولیدی یک شهرک صنعتی نزدیک {city} با حسگرهای ما پایش می‌شود.",
                "The wastewater of {n} factories in an industrial estate near {city} is monitored by our sensors.",
            ),
        ],
        "research": [
            (
                "همزیستی صنعتی و اقتصاد چرخشی در شهرک‌های صنعتی",
                "industrial symbiosis and circular economy in industrial estates",
            ),
        ],
    },
}

# Capabilities a company with a given primary capability often has as well.
RELATED = {
    "waste.sorting": ["waste.organic", "waste.routing", "culture.engagement"],
    "waste.organic": ["waste.sorting", "green.landscape"],
    "waste.routing": ["waste.sensing", "smart.gis"],
    "waste.sensing": ["waste.routing", "smart.iot_network"],
    "waste.landfill": ["water.quality", "waste.organic"],
    "waste.construction": ["materials.asphalt", "roads.maintenance"],
    "traffic.signals": ["traffic.analytics", "roads.safety"],
    "traffic.analytics": ["traffic.signals", "smart.data_platform"],
    "traffic.enforcement": ["traffic.analytics", "mobility.parking"],
    "transit.ticketing": ["smart.payments", "transit.info"],
    "transit.info": ["transit.ticketing", "smart.citizen_app"],
    "mobility.parking": ["smart.payments", "traffic.enforcement"],
    "mobility.micro": ["energy.ev_charging", "transit.info"],
    "roads.maintenance": ["materials.asphalt", "smart.gis"],
    "roads.safety": ["traffic.signals", "culture.engagement"],
    "materials.asphalt": ["roads.maintenance", "waste.construction"],
    "materials.polymer": ["beauty.furniture", "waste.sorting"],
    "beauty.facade": ["beauty.lighting_design", "beauty.furniture"],
    "beauty.furniture": ["materials.polymer", "beauty.facade"],
    "beauty.lighting_design": ["energy.streetlight", "beauty.facade"],
    "smart.citizen_app": ["smart.payments", "smart.data_platform"],
    "smart.payments": ["smart.citizen_app", "smart.cybersecurity"],
    "smart.gis": ["smart.data_platform", "roads.maintenance"],
    "smart.iot_network": ["smart.data_platform", "waste.sensing", "env.air"],
    "smart.cybersecurity": ["smart.data_platform"],
    "smart.data_platform": ["smart.gis", "smart.iot_network"],
    "telecom.siting": ["telecom.emf", "telecom.camouflage"],
    "telecom.emf": ["telecom.siting"],
    "telecom.camouflage": ["telecom.siting", "beauty.facade"],
    "energy.audit": ["energy.solar", "energy.streetlight"],
    "energy.solar": ["energy.audit", "energy.ev_charging"],
    "energy.streetlight": ["energy.audit", "beauty.lighting_design"],
    "energy.ev_charging": ["energy.solar", "mobility.micro"],
    "env.air": ["env.noise", "smart.iot_network"],
    "env.noise": ["env.air", "traffic.analytics"],
    "water.leak": ["water.quality", "smart.iot_network"],
    "water.irrigation": ["green.landscape", "water.leak"],
    "water.quality": ["water.leak", "env.air"],
    "green.urban_forest": ["green.landscape", "water.irrigation"],
    "green.landscape": ["water.irrigation", "green.urban_forest"],
    "safety.fire": ["safety.earthquake", "health.ems"],
    "safety.flood": ["smart.gis", "safety.earthquake"],
    "safety.earthquake": ["safety.fire", "smart.gis"],
    "health.ems": ["safety.fire", "smart.citizen_app"],
    "culture.engagement": ["smart.citizen_app", "waste.sorting"],
    "industry.estate_mgmt": ["water.quality", "smart.data_platform"],
}

# Who buys from companies of a domain (the part of the code before the dot).
CLIENTS = {
    "waste": [
        ("سازمان‌های مدیریت پسماند شهرداری‌ها", "municipal waste management organizations"),
        ("پیمانکاران خدمات شهری", "urban services contractors"),
        ("مجتمع‌های مسکونی و اداری", "residential and office complexes"),
    ],
    "traffic": [
        ("سازمان‌های حمل‌ونقل و ترافیک", "transport and traffic organizations"),
        ("پلیس راهور", "the traffic police"),
        ("مشاوران مهندسی ترافیک", "traffic engineering consultants"),
    ],
    "transit": [
        ("شرکت‌های بهره‌برداری اتوبوسرانی", "bus operating companies"),
        ("شرکت‌های قطار شهری", "urban rail operators"),
        ("سازمان‌های تاکسیرانی", "taxi agencies"),
    ],
    "mobility": [
        ("شهرداری‌های مناطق", "district municipalities"),
        ("مراکز خرید", "shopping centres"),
        ("بیمارستان‌ها و دانشگاه‌ها", "hospitals and universities"),
    ],
    "roads": [
        ("معاونت‌های فنی و عمرانی شهرداری‌ها", "municipal civil works departments"),
        ("پیمانکاران راهسازی", "road contractors"),
        ("ادارات کل راه و شهرسازی", "provincial road departments"),
    ],
    "materials": [
        ("پیمانکاران عمرانی", "civil contractors"),
        ("کارخانه‌های آسفالت", "asphalt plants"),
        ("تولیدکنندگان مبلمان شهری", "urban furniture makers"),
    ],
    "beauty": [
        ("سازمان‌های زیباسازی", "beautification organizations"),
        ("شهرداری‌های مناطق", "district municipalities"),
        ("سازندگان مجتمع‌های تجاری", "developers of commercial buildings"),
    ],
    "smart": [
        ("سازمان‌های فناوری اطلاعات شهرداری‌ها", "municipal ICT organizations"),
        ("شهرداری‌های شهرهای کوچک", "the municipalities of small towns"),
        ("شرکت‌های آب و فاضلاب", "water and wastewater companies"),
    ],
    "telecom": [
        ("اپراتورهای تلفن همراه", "mobile operators"),
        ("شرکت‌های توسعه زیرساخت مخابراتی", "tower companies"),
        ("سازمان‌های زیباسازی", "beautification organizations"),
    ],
    "energy": [
        ("شرکت‌های توزیع نیروی برق", "power distribution companies"),
        ("ساختمان‌های اداری شهرداری", "municipal office buildings"),
        ("مدارس و بیمارستان‌ها", "schools and hospitals"),
    ],
    "env": [
        ("ادارات کل حفاظت محیط زیست", "provincial environment departments"),
        ("شهرداری‌ها", "municipalities"),
        ("صنایع بزرگ", "large industrial plants"),
    ],
    "water": [
        ("شرکت‌های آب و فاضلاب", "water and wastewater companies"),
        ("سازمان‌های پارک‌ها و فضای سبز", "parks and green space organizations"),
        ("شهرک‌های صنعتی", "industrial estates"),
    ],
    "green": [
        ("سازمان‌های پارک‌ها و فضای سبز", "parks and green space organizations"),
        ("شهرداری‌های مناطق", "district municipalities"),
        ("شهرک‌های مسکونی بزرگ", "large housing estates"),
    ],
    "safety": [
        ("سازمان‌های آتش‌نشانی", "fire services"),
        ("ستادهای مدیریت بحران", "crisis management headquarters"),
        ("مالکان ساختمان‌های بلندمرتبه", "owners of high-rise buildings"),
    ],
    "health": [
        ("مراکز اورژانس استان‌ها", "provincial emergency services"),
        ("بیمارستان‌ها", "hospitals"),
        ("سازمان‌های آتش‌نشانی", "fire services"),
    ],
    "culture": [
        ("معاونت‌های اجتماعی و فرهنگی شهرداری‌ها", "municipal social and cultural departments"),
        ("مدارس", "schools"),
        ("سراهای محله", "neighbourhood centres"),
    ],
    "industry": [
        ("شرکت‌های شهرک‌های صنعتی", "industrial estate companies"),
        ("واحدهای تولیدی", "manufacturers"),
        ("مناطق ویژه اقتصادی", "special economic zones"),
    ],
}

# Closing sentences by kind of organization. `{n}` is a small count.
CLOSINGS = {
    "startup": [
        (
            "اکنون برای گسترش محصول به شهرهای دیگر به دنبال سرمایه‌گذار هستیم.",
            "We are now looking for investment to bring the product to more cities.",
        ),
        (
            "محصول ما در مرحله آزمون میدانی است و آماده همکاری با شهرداری‌ها هستیم.",
            "The product is in field testing and we are ready to work with municipalities.",
        ),
        (
            "تیم ما در یکی از مراکز رشد استان مستقر است.",
            "Our team is hosted by one of the province's incubators.",
        ),
    ],
    "knowledge_based_company": [
        (
            "محصولات ما دانش‌بنیان است و در سراسر کشور پشتیبانی فنی می‌شود.",
            "Our products are certified knowledge-based and supported nationwide.",
        ),
        (
            "بیشتر قطعات و همه نرم‌افزار را در داخل کشور تولید می‌کنیم و جایگزین نمونه‌های وارداتی شده‌ایم.",
            "We make most of the hardware and all of the software in Iran, replacing imported equipment.",
        ),
        (
            "واحد تحقیق و توسعه ما با دانشگاه‌های استان همکاری نزدیک دارد.",
            "Our R&D unit works closely with the universities of the province.",
        ),
    ],
    "sme": [
        (
            "نصب، آموزش کاربران و نگهداری پس از فروش با تیم خود ماست.",
            "Installation, user training and after-sales maintenance are done by our own team.",
        ),
        (
            "بیشتر پروژه‌های ما از راه مناقصه‌های شهرداری‌ها و دستگاه‌های دولتی به دست آمده است.",
            "Most of our projects came through municipal and public tenders.",
        ),
        (
            "کارگاه ما در شهرک صنعتی استان قرار دارد.",
            "Our workshop is in the province's industrial estate.",
        ),
    ],
    "university": [
        (
            "آماده تعریف پایان‌نامه و طرح پژوهشی مشترک با شهرداری‌ها هستیم.",
            "We welcome joint theses and research projects with municipalities.",
        ),
        (
            "آزمایشگاه‌های ما خدمات آزمون و اندازه‌گیری را به شرکت‌ها هم ارائه می‌دهند.",
            "Our laboratories also offer testing and measurement services to companies.",
        ),
        (
            "دفتر ارتباط با صنعت دانشگاه، طرح‌های کاربردی شهری را پیگیری می‌کند.",
            "The university's industry liaison office takes on applied projects for cities.",
        ),
    ],
    "research_center": [
        (
            "نتایج طرح‌ها به‌صورت گزارش فنی و داده باز در اختیار شهرداری قرار می‌گیرد.",
            "Results are delivered to the municipality as technical reports and open data.",
        ),
        (
            "با {n} پژوهشگر تمام‌وقت، طرح‌های کاربردی کوتاه‌مدت را هم می‌پذیریم.",
            "With {n} full-time researchers we also take on short applied studies.",
        ),
    ],
}

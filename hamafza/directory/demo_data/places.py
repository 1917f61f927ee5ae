"""Provinces (by the codes of hamafza.core.provinces) with a regional epithet used in organization
names, a few of their cities, and how many demo organizations each gets."""

# province code: (epithet fa, epithet en), [(city fa, city en), ...], weight
PROVINCES = {
    "Alborz": (("البرز", "Alborz"), [("کرج", "Karaj"), ("فردیس", "Fardis"), ("هشتگرد", "Hashtgerd")], 16),
    "Ardabil": (("سبلان", "Sabalan"), [("اردبیل", "Ardabil")], 2),
    "Bushehr": (("خلیج", "Khalij"), [("بوشهر", "Bushehr"), ("عسلویه", "Asaluyeh")], 2),
    "Chaharmahal and Bakhtiari": (("کوهرنگ", "Kuhrang"), [("شهرکرد", "Shahrekord")], 1),
    "East Azerbaijan": (("آذر", "Azar"), [("تبریز", "Tabriz"), ("مراغه", "Maragheh")], 18),
    "Fars": (("پارس", "Pars"), [("شیراز", "Shiraz"), ("مرودشت", "Marvdasht")], 10),
    "Gilan": (("گیل", "Gil"), [("رشت", "Rasht"), ("بندر انزلی", "Bandar Anzali")], 4),
    "Golestan": (("گلستان", "Golestan"), [("گرگان", "Gorgan")], 2),
    "Hamadan": (("الوند", "Alvand"), [("همدان", "Hamadan")], 3),
    "Hormozgan": (("هرمز", "Hormoz"), [("بندرعباس", "Bandar Abbas")], 2),
    "Ilam": (("کبیرکوه", "Kabirkuh"), [("ایلام", "Ilam")], 1),
    "Isfahan": (("سپاهان", "Sepahan"), [("اصفهان", "Isfahan"), ("کاشان", "Kashan"), ("نجف‌آباد", "Najafabad")], 12),
    "Kerman": (("کویر", "Kavir"), [("کرمان", "Kerman"), ("رفسنجان", "Rafsanjan")], 3),
    "Kermanshah": (("بیستون", "Bisotun"), [("کرمانشاه", "Kermanshah")], 2),
    "Khorasan Razavi": (("توس", "Toos"), [("مشهد", "Mashhad"), ("نیشابور", "Neyshabur")], 11),
    "Khuzestan": (("کارون", "Karun"), [("اهواز", "Ahvaz"), ("دزفول", "Dezful")], 4),
    "Kohgiluyeh and Boyer-Ahmad": (("دنا", "Dena"), [("یاسوج", "Yasuj")], 1),
    "Kurdistan": (("زاگرس", "Zagros"), [("سنندج", "Sanandaj")], 2),
    "Lorestan": (("خرم", "Khorram"), [("خرم‌آباد", "Khorramabad")], 1),
    "Markazi": (("اراک", "Arak"), [("اراک", "Arak")], 3),
    "Mazandaran": (("مازند", "Mazand"), [("ساری", "Sari"), ("بابل", "Babol")], 4),
    "North Khorasan": (("اترک", "Atrak"), [("بجنورد", "Bojnurd")], 1),
    "Qazvin": (("الموت", "Alamut"), [("قزوین", "Qazvin")], 3),
    "Qom": (("کوثر", "Kowsar"), [("قم", "Qom")], 20),
    "Semnan": (("کومش", "Kumesh"), [("سمنان", "Semnan"), ("شاهرود", "Shahrud")], 2),
    "Sistan and Baluchestan": (("هامون", "Hamun"), [("زاهدان", "Zahedan")], 1),
    "South Khorasan": (("لوت", "Lut"), [("بیرجند", "Birjand")], 1),
    "Tehran": (("دماوند", "Damavand"), [("تهران", "Tehran"), ("پردیس", "Pardis"), ("شهریار", "Shahriar")], 30),
    "West Azerbaijan": (("ارومیه", "Urmia"), [("ارومیه", "Urmia")], 2),
    "Yazd": (("ایساتیس", "Isatis"), [("یزد", "Yazd")], 3),
    "Zanjan": (("سلطانیه", "Soltanieh"), [("زنجان", "Zanjan")], 2),
}

# The cities named in pilot sentences (the platform's tenant cities, most of the time).
PILOT_CITIES = [
    ("قم", "Qom"),
    ("کرج", "Karaj"),
    ("تبریز", "Tabriz"),
    ("تهران", "Tehran"),
    ("اصفهان", "Isfahan"),
    ("مشهد", "Mashhad"),
    ("شیراز", "Shiraz"),
]

# Second words of company names.
NAME_SUFFIXES = [
    ("پویا", "Pouya"),
    ("نوین", "Novin"),
    ("گستر", "Gostar"),
    ("سازان", "Sazan"),
    ("فناوران", "Fanavaran"),
    ("هوشمند", "Hooshmand"),
    ("آریا", "Aria"),
    ("پارسیان", "Parsian"),
]

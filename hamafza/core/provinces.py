"""The 31 provinces of Iran. Stored by their English name (as in imported data files)."""

from django.utils.translation import gettext_lazy as _

from hamafza.core.text import fold

PROVINCES = [
    ("Alborz", _("Alborz")),
    ("Ardabil", _("Ardabil")),
    ("Bushehr", _("Bushehr")),
    ("Chaharmahal and Bakhtiari", _("Chaharmahal and Bakhtiari")),
    ("East Azerbaijan", _("East Azerbaijan")),
    ("Fars", _("Fars")),
    ("Gilan", _("Gilan")),
    ("Golestan", _("Golestan")),
    ("Hamadan", _("Hamadan")),
    ("Hormozgan", _("Hormozgan")),
    ("Ilam", _("Ilam")),
    ("Isfahan", _("Isfahan")),
    ("Kerman", _("Kerman")),
    ("Kermanshah", _("Kermanshah")),
    ("Khorasan Razavi", _("Khorasan Razavi")),
    ("Khuzestan", _("Khuzestan")),
    ("Kohgiluyeh and Boyer-Ahmad", _("Kohgiluyeh and Boyer-Ahmad")),
    ("Kurdistan", _("Kurdistan")),
    ("Lorestan", _("Lorestan")),
    ("Markazi", _("Markazi")),
    ("Mazandaran", _("Mazandaran")),
    ("North Khorasan", _("North Khorasan")),
    ("Qazvin", _("Qazvin")),
    ("Qom", _("Qom")),
    ("Semnan", _("Semnan")),
    ("Sistan and Baluchestan", _("Sistan and Baluchestan")),
    ("South Khorasan", _("South Khorasan")),
    ("Tehran", _("Tehran")),
    ("West Azerbaijan", _("West Azerbaijan")),
    ("Yazd", _("Yazd")),
    ("Zanjan", _("Zanjan")),
]
PROVINCE_CODES = frozenset(code for code, _label in PROVINCES)

# Persian names, so an import or a query written in Persian finds the province.
PROVINCE_NAMES_FA = {
    "Alborz": "البرز",
    "Ardabil": "اردبیل",
    "Bushehr": "بوشهر",
    "Chaharmahal and Bakhtiari": "چهارمحال و بختیاری",
    "East Azerbaijan": "آذربایجان شرقی",
    "Fars": "فارس",
    "Gilan": "گیلان",
    "Golestan": "گلستان",
    "Hamadan": "همدان",
    "Hormozgan": "هرمزگان",
    "Ilam": "ایلام",
    "Isfahan": "اصفهان",
    "Kerman": "کرمان",
    "Kermanshah": "کرمانشاه",
    "Khorasan Razavi": "خراسان رضوی",
    "Khuzestan": "خوزستان",
    "Kohgiluyeh and Boyer-Ahmad": "کهگیلویه و بویراحمد",
    "Kurdistan": "کردستان",
    "Lorestan": "لرستان",
    "Markazi": "مرکزی",
    "Mazandaran": "مازندران",
    "North Khorasan": "خراسان شمالی",
    "Qazvin": "قزوین",
    "Qom": "قم",
    "Semnan": "سمنان",
    "Sistan and Baluchestan": "سیستان و بلوچستان",
    "South Khorasan": "خراسان جنوبی",
    "Tehran": "تهران",
    "West Azerbaijan": "آذربایجان غربی",
    "Yazd": "یزد",
    "Zanjan": "زنجان",
}


def province_from_text(value: str | None) -> str | None:
    """The province code for an English or Persian name (any spelling variant), else None."""
    if not value:
        return None
    key = fold(value)
    for code, name_fa in PROVINCE_NAMES_FA.items():
        if key in (fold(code), fold(name_fa)):
            return code
    return None

"""The 31 provinces of Iran. Stored by their English name (as in imported data files)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hamafza.core.text import fold

PROVINCES = [
    ("Alborz", pgettext_lazy("option", "Alborz")),
    ("Ardabil", pgettext_lazy("option", "Ardabil")),
    ("Bushehr", pgettext_lazy("option", "Bushehr")),
    ("Chaharmahal and Bakhtiari", _("Chaharmahal and Bakhtiari")),
    ("East Azerbaijan", pgettext_lazy("option", "East Azerbaijan")),
    ("Fars", pgettext_lazy("option", "Fars")),
    ("Gilan", pgettext_lazy("option", "Gilan")),
    ("Golestan", pgettext_lazy("option", "Golestan")),
    ("Hamadan", pgettext_lazy("option", "Hamadan")),
    ("Hormozgan", pgettext_lazy("option", "Hormozgan")),
    ("Ilam", pgettext_lazy("option", "Ilam")),
    ("Isfahan", pgettext_lazy("option", "Isfahan")),
    ("Kerman", pgettext_lazy("option", "Kerman")),
    ("Kermanshah", pgettext_lazy("option", "Kermanshah")),
    ("Khorasan Razavi", pgettext_lazy("option", "Khorasan Razavi")),
    ("Khuzestan", pgettext_lazy("option", "Khuzestan")),
    ("Kohgiluyeh and Boyer-Ahmad", _("Kohgiluyeh and Boyer-Ahmad")),
    ("Kurdistan", pgettext_lazy("option", "Kurdistan")),
    ("Lorestan", pgettext_lazy("option", "Lorestan")),
    ("Markazi", pgettext_lazy("option", "Markazi")),
    ("Mazandaran", pgettext_lazy("option", "Mazandaran")),
    ("North Khorasan", pgettext_lazy("option", "North Khorasan")),
    ("Qazvin", pgettext_lazy("option", "Qazvin")),
    ("Qom", pgettext_lazy("option", "Qom")),
    ("Semnan", pgettext_lazy("option", "Semnan")),
    ("Sistan and Baluchestan", _("Sistan and Baluchestan")),
    ("South Khorasan", pgettext_lazy("option", "South Khorasan")),
    ("Tehran", pgettext_lazy("option", "Tehran")),
    ("West Azerbaijan", pgettext_lazy("option", "West Azerbaijan")),
    ("Yazd", pgettext_lazy("option", "Yazd")),
    ("Zanjan", pgettext_lazy("option", "Zanjan")),
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

"""`hamafza import organizations` and `hamafza export organizations` (and the importer functions)."""

import csv
import datetime
import json
from io import StringIO

import openpyxl
import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.utils import translation

from hamafza.core.tests.factories import CapabilityFactory
from hamafza.directory import importers
from hamafza.directory.importers import ImportFileError, ImportReport, organization_import, parse_rows
from hamafza.directory.models import Organization
from hamafza.directory.selectors import organization_list
from hamafza.directory.tests.factories import OrganizationFactory


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def caps(db):
    return {code: CapabilityFactory(code=code) for code in ("waste.sorting", "smart.gis", "traffic.signals")}


def _write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write((row if isinstance(row, str) else json.dumps(row, ensure_ascii=False)) + "\n")
    return path


def _import(path, *args):
    out, err = StringIO(), StringIO()
    call_command("import_organizations", str(path), "--no-progress", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _rejected_lines(err: str) -> dict[int, str]:
    lines = {}
    for line in err.splitlines():
        if line.startswith("line "):
            number, reason = line[5:].split(":", 1)
            lines[int(number)] = reason
    return lines


GOOD = {
    "id": "d-org-900",
    "name": "Petrosoft Traffic Systems",
    "kind": "sme",
    "city": "Qom",
    "province": "Qom",
    "description": "We build adaptive traffic signal controllers for mid-sized cities.",
    "knowledge_based": True,
    "employees": 37,
    "founded": 2008,
}


def test_jsonl_good_and_bad_rows(caps, city, tmp_path):
    path = _write_jsonl(
        tmp_path / "orgs.jsonl",
        [
            GOOD,  # line 1
            {**GOOD, "id": "d-org-901", "name": "Bad kind", "kind": "spaceship"},  # 2
            "",  # 3: blank lines are skipped
            {**GOOD, "id": "d-org-902", "name": "Bad province", "province": "Atlantis"},  # 4
            "{not json",  # 5
            {**GOOD, "id": "d-org-903", "name": "Too many", "employees": -3, "founded": 1200},  # 6
            {**GOOD, "id": "d-org-904", "name": "Unknown capability", "capabilities": ["smart.gis", "nope.x"]},  # 7
            {**GOOD, "id": "d-org-905", "name": "No city", "city": ""},  # 8
            {**GOOD, "id": "d-org-906", "name": "Second good", "capabilities": ["smart.gis"], "verified": "yes"},  # 9
            "[1, 2]",  # 10
            {**GOOD, "id": "not a slug!", "name": "Bad id"},  # 11
        ],
    )
    out, err = _import(path)
    rejected = _rejected_lines(err)
    assert set(rejected) == {2, 4, 5, 6, 7, 8, 10, 11}
    assert "kind" in rejected[2] and "spaceship" in rejected[2]
    assert "province" in rejected[4] and "Atlantis" in rejected[4]
    assert "JSON" in rejected[5]
    assert "employees" in rejected[6] and "founded" in rejected[6], "every problem of a row is reported"
    assert "nope.x" in rejected[7]
    assert "city" in rejected[8]
    assert "id" in rejected[11]
    assert "2 created, 0 updated, 0 unchanged, 8 rejected" in out

    first = Organization.objects.get(slug="d-org-900")
    assert first.description_en.startswith("We build") and first.description_fa == ""
    assert (first.kind, first.employees, first.founded, first.knowledge_based) == ("sme", 37, 2008, True)
    assert first.city == city, "linked to the tenant city of the same name"
    second = Organization.objects.get(slug="d-org-906")
    assert list(second.capabilities.values_list("code", flat=True)) == ["smart.gis"]
    assert second.verified and second.verified_at is not None


def test_persian_input_with_arabic_letters_and_persian_digits(caps, other_city, tmp_path):
    path = _write_jsonl(
        tmp_path / "fa.jsonl",
        [
            {
                "id": "d-org-950",
                "name": "شركت دانشبنيان نقشه‌نگار البرز",
                "kind": "شركت دانشبنيان",  # a Persian kind name, Arabic letters, no half-space
                "city": "كرج",  # Arabic kaf
                "province": "البرز",
                "description": "سامانه اطلاعات مكاني شهري براي شهرداري‌ها مي‌سازيم.",
                "knowledge_based": "بله",
                "employees": "۱۲",
                "founded": "۱۳۹۸",  # a Jalali year
                "certificate_valid_until": "۱۴۰۵/۰۱/۱۵",
                "capabilities": "smart.gis",
            },
            {"name": "كارخانه", "kind": "sme", "city": "كرمان", "province": "كرمان", "employees": "۱۲x"},
        ],
    )
    out, err = _import(path)
    assert "1 created" in out
    assert set(_rejected_lines(err)) == {2}
    org = Organization.objects.get(slug="d-org-950")
    assert org.province == "Alborz"
    assert org.city == other_city, "Arabic kaf in the city name still finds Karaj"
    assert (org.employees, org.founded) == (12, 2019)
    assert org.certificate_valid_until == datetime.date(2026, 4, 4)
    assert org.description_fa and not org.description_en
    assert org.knowledge_based
    # The directory search folds Arabic letters, so a query typed with Persian letters finds it.
    assert org in organization_list(q="اطلاعات مکانی شهرداری")


def test_csv_with_bom_semicolon_capabilities_and_multiline_cells(caps, tmp_path):
    path = tmp_path / "orgs.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            [
                "id",
                "name",
                "kind",
                "city",
                "province",
                "description",
                "knowledge_based",
                "employees",
                "founded",
                "capabilities",
                "website",
                "verified",
            ]
        )
        writer.writerow(
            [
                "c-1",
                "Sorter Co",
                "startup",
                "Tabriz",
                "East Azerbaijan",
                "Line one.\nLine two.",
                "no",
                "8",
                "2020",
                "waste.sorting; smart.gis",
                "sorter.example.ir",
                "true",
            ]
        )  # lines 2-3
        writer.writerow(
            ["c-2", "Bad", "startup", "Tabriz", "East Azerbaijan", "", "maybe", "8", "2020", "", "", ""]
        )  # line 4
        writer.writerow(["", "", "", "", "", "", "", "", "", "", "", ""])  # line 5: empty, skipped
        writer.writerow(
            ["c-3", "Third", "research centre", "Shiraz", "fars", "", "", "", "", "traffic.signals", "not a url", ""]
        )  # line 6
    out, err = _import(path)
    rejected = _rejected_lines(err)
    assert set(rejected) == {4, 6}
    assert "knowledge_based" in rejected[4]
    assert "website" in rejected[6]
    assert "1 created" in out
    org = Organization.objects.get(slug="c-1")
    assert org.description_en == "Line one.\nLine two."
    assert sorted(org.capabilities.values_list("code", flat=True)) == ["smart.gis", "waste.sorting"]
    assert org.website == "https://sorter.example.ir"
    assert org.verified and not org.knowledge_based


def test_xlsx_written_with_openpyxl(caps, tmp_path):
    path = tmp_path / "orgs.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(
        [
            "id",
            "name",
            "name_en",
            "kind",
            "city",
            "province",
            "description_fa",
            "description_en",
            "knowledge_based",
            "employees",
            "founded",
            "certificate_number",
            "certificate_valid_until",
            "capabilities",
            "verified",
        ]
    )
    ws.append(
        [
            "x-1",
            "راهبان",
            "Rahban",
            "knowledge_based_company",
            "تبریز",
            "آذربایجان شرقی",
            "کنترل هوشمند تقاطع",
            "Adaptive junction control",
            True,
            40,
            2015.0,
            "DB-1403-1",
            datetime.datetime(2027, 3, 1),
            "traffic.signals;smart.gis",
            False,
        ]
    )
    ws.append(["x-2", "Nowhere", None, "sme", "X", "Atlantis", None, None, None, None, None, None, None, None, None])
    ws.append([None] * 15)  # an empty row is skipped
    ws.append(["x-3", "Small", None, "startup", "Qom", "Qom", None, None, "false", "3", "2024", None, None, None, None])
    wb.save(path)

    out, err = _import(path)
    assert set(_rejected_lines(err)) == {3}
    assert "2 created" in out
    org = Organization.objects.get(slug="x-1")
    assert (org.name_en, org.province, org.employees, org.founded) == ("Rahban", "East Azerbaijan", 40, 2015)
    assert org.certificate_valid_until == datetime.date(2027, 3, 1)
    assert sorted(org.capabilities.values_list("code", flat=True)) == ["smart.gis", "traffic.signals"]
    assert not org.verified and org.knowledge_based
    assert Organization.objects.get(slug="x-3").employees == 3


def test_reimport_updates_by_id_and_never_duplicates(caps, tmp_path):
    path = _write_jsonl(tmp_path / "a.jsonl", [GOOD, {**GOOD, "id": None, "name": "No Id Org"}])
    out, _err = _import(path)
    assert "2 created" in out
    history = Organization.history.count()

    out, _err = _import(path)
    assert "0 created, 0 updated, 2 unchanged, 0 rejected" in out
    assert Organization.history.count() == history, "an unchanged row writes nothing"

    _write_jsonl(path, [{**GOOD, "employees": 40}, {**GOOD, "id": None, "name": "NO ID ORG", "employees": 9}])
    out, _err = _import(path)
    assert "0 created, 2 updated" in out
    assert Organization.objects.count() == 2
    assert Organization.objects.get(slug="d-org-900").employees == 40
    assert Organization.objects.exclude(slug="d-org-900").get().employees == 9, "matched by folded name and province"


def test_duplicate_id_in_one_file_is_rejected(caps, tmp_path):
    path = _write_jsonl(tmp_path / "dup.jsonl", [GOOD, {**GOOD, "employees": 1}])
    out, err = _import(path)
    assert "1 created" in out
    assert "line 1" in _rejected_lines(err)[2]
    assert Organization.objects.get(slug="d-org-900").employees == 37


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "xlsx"])
def test_export_then_import_round_trips(caps, tmp_path, fmt, django_assert_max_num_queries):
    OrganizationFactory(
        slug="rt-1",
        name="شرکت یک",
        name_en="Company One",
        kind="knowledge_based_company",
        knowledge_based=True,
        certificate_number="DB-1403-0001",
        certificate_valid_from=datetime.date(2024, 1, 2),
        certificate_valid_until=datetime.date(2027, 1, 1),
        employees=12,
        founded=2019,
        website="https://one.example.ir",
        verified=True,
        capabilities=[caps["smart.gis"], caps["waste.sorting"]],
    )
    OrganizationFactory(
        slug="rt-2",
        name="Two",
        name_en="",
        description_fa="",
        description_en="English only",
        province="Tehran",
        city_name="Tehran",
    )
    for _i in range(20):
        OrganizationFactory(capabilities=[caps["traffic.signals"]])
    first = tmp_path / f"first.{fmt}"
    with django_assert_max_num_queries(4):
        call_command("export_organizations", "--format", fmt, "--output", str(first), stderr=StringIO())

    before = {o.slug: _fields(o) for o in Organization.objects.prefetch_related("capabilities")}
    Organization.objects.all().delete()
    out, err = _import(first)
    assert err == "" and f"{len(before)} created" in out
    after = {o.slug: _fields(o) for o in Organization.objects.prefetch_related("capabilities")}
    assert after == before

    out, _err = _import(first)
    assert f"0 created, 0 updated, {len(before)} unchanged" in out


def _fields(org):
    return (
        org.name,
        org.name_en,
        org.kind,
        org.city_name,
        org.province,
        org.description_fa,
        org.description_en,
        org.knowledge_based,
        org.employees,
        org.founded,
        org.website,
        org.certificate_number,
        org.certificate_valid_from,
        org.certificate_valid_until,
        org.verified,
        sorted(c.code for c in org.capabilities.all()),
    )


def test_export_jsonl_to_stdout_has_the_import_fields(caps):
    OrganizationFactory(slug="s-1", capabilities=[caps["smart.gis"]])
    out = StringIO()
    call_command("export_organizations", "--format", "jsonl", stdout=out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(rows) == 1
    assert list(rows[0]) == list(importers.EXPORT_FIELDS)
    assert rows[0]["id"] == "s-1" and rows[0]["capabilities"] == ["smart.gis"]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("orgs.txt", b"name\n"),
        ("orgs.xlsx", b"this is not a workbook"),
        ("orgs.csv", "name,kind\nشرکت,sme\n".encode("cp1256")),  # not UTF-8
        ("orgs.csv", b"title,kind\nX,sme\n"),  # no name/city/province columns
        ("orgs.csv", b""),
    ],
)
def test_unreadable_files_exit_with_code_2(db, tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError) as excinfo:
        _import(path)
    assert excinfo.value.returncode == 2
    assert not Organization.objects.exists()


def test_missing_file_and_the_process_exit_code(db, tmp_path, capsys):
    with pytest.raises(SystemExit) as excinfo:
        ManagementUtility(["manage.py", "import_organizations", str(tmp_path / "missing.jsonl")]).execute()
    assert excinfo.value.code == 2
    assert "missing.jsonl" in capsys.readouterr().err


def test_file_with_rejected_rows_still_exits_0(caps, tmp_path):
    path = _write_jsonl(tmp_path / "x.jsonl", [{**GOOD, "kind": "nope"}])
    # call_command raises on a non-zero exit; a readable file with only bad rows is not an error.
    out, err = _import(path)
    assert "0 created, 0 updated, 0 unchanged, 1 rejected" in out
    assert "line 1" in err


def test_interrupted_import_says_which_rows_were_stored(caps, tmp_path, monkeypatch):
    path = _write_jsonl(tmp_path / "x.jsonl", [GOOD])

    def rows(_path):
        yield 1, dict(GOOD)
        yield 2, {**GOOD, "id": "d-org-2", "kind": "nope"}
        yield 3, {**GOOD, "id": "d-org-3"}
        raise OSError("disk went away")

    monkeypatch.setattr("hamafza.directory.management.commands.import_organizations.parse_rows", rows)
    err = StringIO()
    with pytest.raises(OSError):
        call_command("import_organizations", str(path), "--no-progress", stdout=StringIO(), stderr=err)
    message = err.getvalue()
    assert "line 2:" in message and "stopped at line 3" in message and "2 rows before it are stored" in message
    assert set(Organization.objects.values_list("slug", flat=True)) == {"d-org-900", "d-org-3"}


def test_organization_import_reports_progress_and_lines(caps):
    class Bar:
        n = 0

        def update(self, k):
            self.n += k

    bar = Bar()
    report = organization_import(rows=[(5, dict(GOOD)), (9, {"name": "x"})], progress=bar)
    assert isinstance(report, ImportReport)
    assert bar.n == 2
    assert (report.created, report.taken, [line for line, _ in report.rejected]) == (1, [5], [9])


def test_parse_rows_line_numbers(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"name": "a"}\n\n\n{"name": "b"}\n', encoding="utf-8")
    assert [(n, r["name"]) for n, r in parse_rows(path)] == [(1, "a"), (4, "b")]
    with pytest.raises(ImportFileError):
        parse_rows(tmp_path / "x.json")


def test_founded_and_kind_parsing(caps, tmp_path):
    path = _write_jsonl(
        tmp_path / "k.jsonl",
        [
            {**GOOD, "id": "k-1", "name": "A", "kind": "Knowledge-based company", "founded": "1390"},
            {**GOOD, "id": "k-2", "name": "B", "kind": "Research centre", "founded": datetime.date.today().year + 1},
        ],
    )
    _out, err = _import(path)
    assert set(_rejected_lines(err)) == {2}
    org = Organization.objects.get(slug="k-1")
    assert (org.kind, org.founded) == ("knowledge_based_company", 2011)

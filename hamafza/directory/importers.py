"""Bulk import and export of organizations (.jsonl, .csv, .xlsx).

The file format is the one of the matching development set (`id`, `name`, `kind`, `city`,
`province`, `description`, `knowledge_based`, `employees`, `founded`) plus the optional columns in
`OPTIONAL_FIELDS`. The export writes every column, so an export imported again changes nothing.

* ``parse_rows(path)`` reads a file and yields ``(line_no, row)``: ``row`` is a dict of raw values,
  or a ``RowError`` when that one line cannot be parsed (bad JSON, not a JSON object). It raises
  ``ImportFileError`` when the file as a whole cannot be read (missing, unknown extension, not
  UTF-8, not a workbook, no ``name`` column...), before any row is yielded.
* ``organization_import(rows=..., progress=...)`` validates each row, creates or updates the good
  ones through the directory services (one transaction per row) and returns an ``ImportReport``
  that lists every rejected line with its reasons.
* ``organization_export_rows()`` and ``organization_export(fmt=..., output=...)`` stream every
  organization with its capabilities (prefetched in chunks, no query per row).

Matching an existing organization: by slug when the row has an ``id``, else by its name (folded,
so spelling variants match) within the same province. A blank cell never clears a stored value.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_unicode_slug
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from hamafza.core.dates import date_problem
from hamafza.core.models import Capability
from hamafza.core.provinces import province_from_text
from hamafza.core.text import fold, is_persian, normalize
from hamafza.directory import services
from hamafza.directory.models import Organization, OrganizationKind

REQUIRED_FIELDS = ("name", "kind", "city", "province")
BASE_FIELDS = ("id", "name", "kind", "city", "province", "description", "knowledge_based", "employees", "founded")
OPTIONAL_FIELDS = (
    "name_en",
    "description_fa",
    "description_en",
    "website",
    "certificate_number",
    "certificate_valid_from",
    "certificate_valid_until",
    "capabilities",
    "verified",
)
# The column order of an export (and of the template an operator may start from).
EXPORT_FIELDS = BASE_FIELDS + OPTIONAL_FIELDS
FORMATS = ("jsonl", "csv", "xlsx")

MAX_EMPLOYEES = 2_000_000
MIN_FOUNDED = 1800
# Jalali (solar hijri) years from 1250 on are accepted for `founded` and converted (approximately:
# +621); a Gregorian year must be from 1800 on.
MIN_FOUNDED_JALALI = 1250
JALALI_OFFSET = 621

_TRUE = {"1", "true", "yes", "y", "t", "بله", "آری", "اری", "درست", "بلی"}
_FALSE = {"0", "false", "no", "n", "f", "خیر", "نه", "غلط", ""}


class ImportFileError(Exception):
    """The file as a whole cannot be read; nothing has been imported."""


@dataclass(frozen=True)
class RowError:
    """A line that could not even be parsed into a row."""

    reason: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    # Line numbers whose row is stored (created, updated or already identical), in file order.
    taken: list[int] = field(default_factory=list)
    last_line: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + len(self.rejected)


# --------------------------------------------------------------------------------------------
# Reading files


def parse_rows(path: str | Path) -> Iterator[tuple[int, dict | RowError]]:
    """Yield ``(line_no, row)`` for each data row of a .jsonl, .csv or .xlsx file.

    Raises ``ImportFileError`` (before yielding anything) when the file cannot be read at all.
    Line numbers are those an operator sees in an editor or spreadsheet (header is line 1 in a
    CSV or a workbook). Blank lines and empty spreadsheet rows are skipped.
    """
    path = Path(path)
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ImportFileError(
            _("Unknown file type “%(ext)s”: use a .jsonl, .csv or .xlsx file.") % {"ext": path.suffix or path.name}
        )
    if not path.is_file():
        raise ImportFileError(_("File not found: %(path)s") % {"path": path})
    reader = {"jsonl": _jsonl_rows, "csv": _csv_rows, "xlsx": _xlsx_rows}[suffix]
    # Each reader checks the file eagerly and returns a lazy generator of its rows, so a broken
    # file fails here, before the first row is imported.
    return reader(path)


def count_rows(path: str | Path) -> int | None:
    """A quick estimate of the number of data rows (for a progress bar), or None."""
    path = Path(path)
    suffix = path.suffix.lower().lstrip(".")
    try:
        if suffix == "jsonl":
            with open(path, "rb") as fh:
                return sum(1 for line in fh if line.strip())
        if suffix == "csv":
            with open(path, "rb") as fh:
                return max(sum(1 for line in fh if line.strip()) - 1, 0)
        if suffix == "xlsx":
            import openpyxl

            wb = openpyxl.load_workbook(path, read_only=True)
            try:
                max_row = wb.worksheets[0].max_row  # None when the file does not record its size
                return None if max_row is None else max(max_row - 1, 0)
            finally:
                wb.close()
    except Exception:  # only an estimate for the progress bar: never fail because of it
        return None
    return None


def _jsonl_rows(path: Path) -> Iterator[tuple[int, dict | RowError]]:
    _check_utf8(path)

    def rows():
        with open(path, "rb") as fh:
            for line_no, raw in enumerate(fh, start=1):
                text = raw.decode("utf-8-sig" if line_no == 1 else "utf-8").strip()
                if not text:
                    continue
                try:
                    value = json.loads(text)
                except json.JSONDecodeError as exc:
                    yield line_no, RowError(_("not valid JSON (%(error)s)") % {"error": exc.msg})
                    continue
                if not isinstance(value, dict):
                    yield line_no, RowError(_("each line must be a JSON object"))
                    continue
                yield line_no, value

    return rows()


def _check_utf8(path: Path) -> None:
    """Refuse a file that is not UTF-8 before importing any row of it."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line_no = 1
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
                line_no += chunk.count(b"\n")
            decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _("The file is not UTF-8 text (near line %(line)s). Save it as UTF-8 and try again.") % {"line": line_no}
        ) from exc
    except OSError as exc:
        raise ImportFileError(_("Cannot read the file: %(error)s") % {"error": exc.strerror or exc}) from exc


def _check_header(header: list[str]) -> list[str]:
    header = [normalize(h).strip().lower().replace(" ", "_") for h in header]
    missing = [name for name in REQUIRED_FIELDS if name not in header]
    if missing:
        raise ImportFileError(
            _("The header row lacks the column(s) %(missing)s. Expected columns: %(expected)s.")
            % {"missing": ", ".join(missing), "expected": ", ".join(EXPORT_FIELDS)}
        )
    return header


def _csv_rows(path: Path) -> Iterator[tuple[int, dict | RowError]]:
    _check_utf8(path)
    with open(path, encoding="utf-8-sig", newline="") as fh:
        sample = fh.read(8192)
    try:
        dialect = csv.Sniffer().sniff(sample.split("\n", 1)[0] or sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    fh = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed by the generator
    reader = csv.reader(fh, dialect)
    try:
        header = _check_header(next(reader))
    except StopIteration:
        fh.close()
        raise ImportFileError(_("The file is empty.")) from None
    except (csv.Error, ImportFileError) as exc:
        fh.close()
        raise ImportFileError(str(exc)) from exc

    def rows():
        with fh:
            start = reader.line_num + 1
            while True:
                try:
                    values = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    yield start, RowError(_("malformed CSV (%(error)s)") % {"error": exc})
                    start = reader.line_num + 1
                    continue
                line_no, start = start, reader.line_num + 1
                if not any(v.strip() for v in values):
                    continue
                if len(values) > len(header):
                    yield (
                        line_no,
                        RowError(
                            _("%(found)s cells but the header has %(expected)s columns")
                            % {"found": len(values), "expected": len(header)}
                        ),
                    )
                    continue
                yield line_no, dict(zip(header, values, strict=False))

    return rows()


def _xlsx_rows(path: Path) -> Iterator[tuple[int, dict | RowError]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, openpyxl's InvalidFileException, KeyError, OSError...
        raise ImportFileError(
            _("The file is not a readable Excel workbook (.xlsx): %(error)s") % {"error": exc}
        ) from exc
    if not wb.worksheets:
        wb.close()
        raise ImportFileError(_("The workbook has no sheet."))
    sheet_rows = wb.worksheets[0].iter_rows(values_only=True)
    try:
        first = next(sheet_rows)
    except StopIteration:
        wb.close()
        raise ImportFileError(_("The file is empty.")) from None
    try:
        header = _check_header(["" if v is None else str(v) for v in first])
    except ImportFileError:
        wb.close()
        raise

    def rows():
        try:
            for line_no, values in enumerate(sheet_rows, start=2):
                if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                    continue
                yield line_no, {h: v for h, v in zip(header, values, strict=False) if h}
        finally:
            wb.close()

    return rows()


# --------------------------------------------------------------------------------------------
# Validating rows


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if value in (0, 1):
            return bool(value)
        raise ValueError
    key = fold(_text(value))
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ValueError


def parse_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError
    text = normalize(_text(value)).replace(",", "").replace(" ", "")
    if text.endswith(".0"):
        text = text[:-2]
    return int(text)


def parse_date(value: Any) -> datetime.date:
    """ISO dates (2025-03-21, 2025/03/21) or Jalali ones (1404/01/01), any digit script."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = normalize(_text(value)).replace("/", "-").replace(".", "-")
    parts = text.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise ValueError
    year, month, day = (int(p) for p in parts)
    if year < 1700:
        import jdatetime

        day_ = jdatetime.date(year, month, day).togregorian()
    else:
        day_ = datetime.date(year, month, day)
    problem = date_problem(day_)  # outside the platform's window (core.dates)
    if problem:
        raise ValueError(problem)
    return day_


def parse_capabilities(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        items = [_text(v) for v in value]
    else:
        items = normalize(_text(value)).replace(",", ";").split(";")
    return list(dict.fromkeys(i.strip() for i in items if i and i.strip()))


# Persian names of the kinds as they appear in spreadsheets (compared folded, so spelling
# variants match). The English labels and the values are accepted too.
KIND_ALIASES_FA = {
    "استارتاپ": OrganizationKind.STARTUP,
    "استارت آپ": OrganizationKind.STARTUP,
    "شرکت نوپا": OrganizationKind.STARTUP,
    "شرکت دانش‌بنیان": OrganizationKind.KNOWLEDGE_BASED,
    "دانش‌بنیان": OrganizationKind.KNOWLEDGE_BASED,
    "شرکت کوچک و متوسط": OrganizationKind.SME,
    "دانشگاه": OrganizationKind.UNIVERSITY,
    "پژوهشگاه": OrganizationKind.RESEARCH_CENTER,
    "پژوهشکده": OrganizationKind.RESEARCH_CENTER,
    "مرکز تحقیقات": OrganizationKind.RESEARCH_CENTER,
    "مرکز رشد": OrganizationKind.INCUBATOR,
    "شتاب‌دهنده": OrganizationKind.ACCELERATOR,
    "پارک علم و فناوری": OrganizationKind.SCIENCE_PARK,
    "شرکت تعریف مسئله": OrganizationKind.PROBLEM_DEFINITION_FIRM,
}


def _kind_key(text: str) -> str:
    return " ".join(fold(text).replace("-", " ").replace("_", " ").split())


def parse_kind(value: Any) -> str:
    """A kind given by its value, its label (English or the active language) or a Persian name."""
    key = _kind_key(_text(value))
    for alias, kind in KIND_ALIASES_FA.items():
        if key == _kind_key(alias):
            return kind.value
    for kind_value, label in OrganizationKind.choices:
        with translation.override("en"):
            english = str(label)
        if key in (_kind_key(kind_value), _kind_key(english), _kind_key(str(label))):
            return kind_value
    raise ValueError


@dataclass
class CleanRow:
    slug: str | None
    fields: dict[str, Any]
    capabilities: list[str] | None
    verified: bool | None


def clean_row(row: dict, *, capability_codes: Iterable[str], today: datetime.date | None = None) -> CleanRow:
    """Validate one raw row; raise ``ValidationError`` with every problem found (by column)."""
    today = today or datetime.date.today()
    row = {str(k).strip().lower(): v for k, v in row.items() if k is not None}
    errors: dict[str, str] = {}
    fields: dict[str, Any] = {}

    for name in REQUIRED_FIELDS:
        if _is_blank(row.get(name)):
            errors[name] = pgettext("text", "required")

    slug = None
    if not _is_blank(row.get("id")):
        slug = _text(row["id"])
        try:
            validate_unicode_slug(slug)
            if len(slug) > 120:
                raise ValidationError("too long")
        except ValidationError:
            errors["id"] = _("“%(value)s” is not a valid id: letters, digits, - and _ only, at most 120") % {
                "value": slug
            }

    for name, limit in (("name", 200), ("name_en", 200), ("city", 120), ("certificate_number", 60)):
        if name in errors or _is_blank(row.get(name)):
            continue
        text = _text(row[name])
        if len(text) > limit:
            errors[name] = _("longer than %(limit)s characters") % {"limit": limit}
        else:
            fields["city_name" if name == "city" else name] = text

    if "kind" not in errors:
        try:
            fields["kind"] = parse_kind(row["kind"])
        except ValueError:
            errors["kind"] = _("“%(value)s” is not one of %(choices)s") % {
                "value": _text(row["kind"]),
                "choices": ", ".join(OrganizationKind.values),
            }

    if "province" not in errors:
        province = province_from_text(_text(row["province"]))
        if province is None:
            errors["province"] = _("unknown province “%(value)s”") % {"value": _text(row["province"])}
        else:
            fields["province"] = province

    # `description` lands in the Persian or English slot by its script; explicit columns win.
    for name in ("description_fa", "description_en"):
        if not _is_blank(row.get(name)):
            fields[name] = _text(row[name])
    if not _is_blank(row.get("description")):
        text = _text(row["description"])
        slot = "description_fa" if is_persian(text) else "description_en"
        fields.setdefault(slot, text)

    if not _is_blank(row.get("knowledge_based")):
        try:
            fields["knowledge_based"] = parse_bool(row["knowledge_based"])
        except ValueError:
            errors["knowledge_based"] = _("“%(value)s” is not true or false") % {"value": _text(row["knowledge_based"])}

    if not _is_blank(row.get("employees")):
        try:
            employees = parse_int(row["employees"])
            if not 0 <= employees <= MAX_EMPLOYEES:
                raise ValueError
            fields["employees"] = employees
        except ValueError:
            errors["employees"] = _("“%(value)s” is not a whole number between 0 and %(max)s") % {
                "value": _text(row["employees"]),
                "max": MAX_EMPLOYEES,
            }

    if not _is_blank(row.get("founded")):
        try:
            founded = parse_int(row["founded"])
            jalali_now = today.year - JALALI_OFFSET
            if MIN_FOUNDED_JALALI <= founded <= jalali_now:
                founded += JALALI_OFFSET
            if not MIN_FOUNDED <= founded <= today.year:
                raise ValueError
            fields["founded"] = founded
        except ValueError:
            errors["founded"] = _("“%(value)s” is not a year between %(min)s and %(max)s") % {
                "value": _text(row["founded"]),
                "min": MIN_FOUNDED,
                "max": today.year,
            }

    if not _is_blank(row.get("website")):
        url = normalize(_text(row["website"]))
        if "://" not in url:
            url = f"https://{url}"
        try:
            URLValidator(schemes=["http", "https"])(url)
            if len(url) > 200:
                raise ValidationError("too long")
            fields["website"] = url
        except ValidationError:
            errors["website"] = _("“%(value)s” is not a web address") % {"value": _text(row["website"])}

    for name in ("certificate_valid_from", "certificate_valid_until"):
        if _is_blank(row.get(name)):
            continue
        try:
            fields[name] = parse_date(row[name])
        except (ValueError, TypeError):
            errors[name] = _("“%(value)s” is not a date (YYYY-MM-DD, or a Jalali date such as 1404/01/31)") % {
                "value": _text(row[name])
            }
    if (
        "certificate_valid_from" in fields
        and "certificate_valid_until" in fields
        and fields["certificate_valid_from"] > fields["certificate_valid_until"]
    ):
        errors["certificate_valid_until"] = pgettext("text", "before certificate_valid_from")

    capabilities = None
    if not _is_blank(row.get("capabilities")):
        capabilities = parse_capabilities(row["capabilities"])
        known = set(capability_codes)
        unknown = [c for c in capabilities if c not in known]
        if unknown:
            errors["capabilities"] = _("unknown capability code(s): %(codes)s") % {"codes": ", ".join(unknown)}

    verified = None
    if not _is_blank(row.get("verified")):
        try:
            verified = parse_bool(row["verified"])
        except ValueError:
            errors["verified"] = _("“%(value)s” is not true or false") % {"value": _text(row["verified"])}

    if errors:
        raise ValidationError(errors)
    return CleanRow(slug=slug, fields=fields, capabilities=capabilities, verified=verified)


def _format_errors(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        parts = []
        for name, errs in exc.message_dict.items():
            label = "id" if name == "slug" else ("city" if name == "city_name" else name)
            parts.append(f"{label}: {'; '.join(str(e) for e in errs)}" if name != "__all__" else "; ".join(errs))
        return " | ".join(parts)
    return "; ".join(str(m) for m in exc.messages)


# --------------------------------------------------------------------------------------------
# Importing


def organization_import(
    *, rows: Iterable[tuple[int, dict | RowError]], progress: Any = None, report: ImportReport | None = None
) -> ImportReport:
    """Validate and store rows; return what was created, updated, left unchanged and rejected.

    Guarantees: each good row is stored in its own transaction through the directory services
    (audited, slug unique, tenant city linked), a bad row never stops the import and is reported
    by line number with every reason, a row identical to what is stored writes nothing. The report
    is filled in as the import goes, so a caller that is interrupted can still say which lines
    were taken: pass your own ``report`` to keep it when an exception escapes. ``progress`` is
    anything with ``update(n)`` (e.g. a tqdm bar).
    """
    report = report if report is not None else ImportReport()
    capability_ids = dict(Capability.objects.values_list("code", "pk"))
    by_name: dict[tuple[str, str], str] | None = None
    seen_slugs: dict[str, int] = {}

    for line_no, row in rows:
        report.last_line = line_no
        try:
            if isinstance(row, RowError):
                raise ValidationError(row.reason)
            clean = clean_row(row, capability_codes=capability_ids)
            slug = clean.slug
            existing = None
            if slug:
                existing = Organization.objects.filter(slug=slug).first()
            else:
                if by_name is None:
                    by_name = {
                        (fold(name), province): s
                        for s, name, province in Organization.objects.values_list("slug", "name", "province")
                    }
                found = by_name.get((fold(clean.fields["name"]), clean.fields["province"]))
                if found:
                    existing = Organization.objects.filter(slug=found).first()
            if existing is not None and existing.slug in seen_slugs:
                raise ValidationError(_("same organization as line %(line)s") % {"line": seen_slugs[existing.slug]})
            cap_ids = None if clean.capabilities is None else sorted(capability_ids[c] for c in clean.capabilities)
            with transaction.atomic():
                if existing is None:
                    fields = dict(clean.fields)
                    if slug:
                        fields["slug"] = slug
                    org = services.organization_create(capabilities=cap_ids or (), **fields)
                    if clean.verified:
                        services.organization_verify(organization=org, by=None, verified=True)
                    report.created += 1
                    if by_name is not None:
                        by_name[(fold(org.name), org.province)] = org.slug
                else:
                    org = existing
                    changed = {k: v for k, v in clean.fields.items() if getattr(org, k) != v}
                    caps_changed = (
                        cap_ids is not None and sorted(org.capabilities.values_list("pk", flat=True)) != cap_ids
                    )
                    verify_changed = clean.verified is not None and clean.verified != org.verified
                    if changed or caps_changed:
                        services.organization_update(
                            organization=org, by=None, capabilities=cap_ids if caps_changed else None, **changed
                        )
                    if verify_changed:
                        services.organization_verify(organization=org, by=None, verified=clean.verified)
                    if changed or caps_changed or verify_changed:
                        report.updated += 1
                    else:
                        report.unchanged += 1
            seen_slugs[org.slug] = line_no
            report.taken.append(line_no)
        except ValidationError as exc:
            report.rejected.append((line_no, _format_errors(exc)))
        except IntegrityError as exc:  # e.g. a concurrent import took the same slug; the row's transaction rolled back
            report.rejected.append((line_no, _("could not be stored (%(error)s)") % {"error": exc}))
        finally:
            if progress is not None:
                progress.update(1)
    return report


# --------------------------------------------------------------------------------------------
# Exporting


def organization_export_rows(queryset=None, *, chunk_size: int = 1000) -> Iterator[dict]:
    """Every organization as a row of the import format, streamed in chunks (capabilities prefetched)."""
    qs = queryset if queryset is not None else Organization.objects.all()
    qs = qs.order_by("pk").prefetch_related(Prefetch("capabilities", queryset=Capability.objects.only("id", "code")))
    for org in qs.iterator(chunk_size=chunk_size):
        yield {
            "id": org.slug,
            "name": org.name,
            "kind": org.kind,
            "city": org.city_name,
            "province": org.province,
            "description": org.description_fa or org.description_en,
            "knowledge_based": org.knowledge_based,
            "employees": org.employees,
            "founded": org.founded,
            "name_en": org.name_en,
            "description_fa": org.description_fa,
            "description_en": org.description_en,
            "website": org.website,
            "certificate_number": org.certificate_number,
            "certificate_valid_from": org.certificate_valid_from,
            "certificate_valid_until": org.certificate_valid_until,
            "capabilities": sorted(c.code for c in org.capabilities.all()),
            "verified": org.verified,
        }


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else value


def organization_export(*, fmt: str, output: IO, rows: Iterable[dict] | None = None) -> int:
    """Write rows in ``fmt`` to ``output`` (a text stream for jsonl/csv, a binary one for xlsx).

    Returns the number of organizations written.
    """
    if fmt not in FORMATS:
        raise ValueError(fmt)
    rows = organization_export_rows() if rows is None else rows
    n = 0
    if fmt == "jsonl":
        for row in rows:
            row = {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in row.items()}
            output.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    elif fmt == "csv":
        writer = csv.writer(output)
        writer.writerow(EXPORT_FIELDS)
        for row in rows:
            writer.writerow([_cell(row[name]) for name in EXPORT_FIELDS])
            n += 1
    else:
        import openpyxl

        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet("organizations")
        ws.append(list(EXPORT_FIELDS))
        for row in rows:
            values = []
            for name in EXPORT_FIELDS:
                value = row[name]
                if isinstance(value, list):
                    value = ";".join(value)
                values.append(value)
            ws.append(values)
            n += 1
        wb.save(output)
    return n

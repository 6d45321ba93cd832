"""python manage.py compile_briefing --quarter 2026Q3 [--area CODE] [--pdf PATH] [--xlsx PATH]"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.periods import Period
from reports.services.briefing import briefing_compile
from representatives.models import Area


class Command(BaseCommand):
    help = "Compile the draft briefing of a quarter; print a JSON summary and write the files."

    def add_arguments(self, parser):
        parser.add_argument("--quarter", required=True, help="e.g. 2026Q3 (or 2026-07, or A..B)")
        parser.add_argument("--area", help="area code (default: the city)")
        parser.add_argument("--pdf", type=Path, help="write the briefing as PDF here")
        parser.add_argument("--xlsx", type=Path, help="write its tables as Excel here")

    def handle(self, *args, quarter, area, pdf, xlsx, **options):
        from django.utils import translation

        from reports.exports_briefing import briefing_pdf, briefing_xlsx
        from reports.views_briefing import DraftVersion

        try:
            period = Period.parse(quarter)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        areas = Area.objects.filter(code=area) if area else Area.objects.filter(parent=None)
        root = areas.order_by("path").first()
        if root is None:
            raise CommandError(f"no area {area!r}")
        briefing = briefing_compile(period=period, area=root)
        figures = briefing.figures
        with translation.override("zh-hans"):
            if pdf:
                pdf.write_bytes(briefing_pdf(DraftVersion(briefing), base_url=str(Path.cwd())))
            if xlsx:
                xlsx.write_bytes(briefing_xlsx(figures))
        h = figures["handling"]
        summary = {
            "id": briefing.pk,
            "period": period.key,
            "area": root.name,
            "title": briefing.title,
            "opinions": figures["volume"]["total"],
            "cases_opened": h["opened"],
            "closed": h["closed"],
            "response_rate": h["response_rate"],
            "resolution_rate": h["resolution_rate"],
            "satisfaction_rate": h["satisfaction_rate"],
            "on_time_rate": h["on_time_rate"],
            "hot_topics": [t["word"] for t in figures["hot_topics"][:5]],
            "pdf": str(pdf) if pdf else None,
            "xlsx": str(xlsx) if xlsx else None,
        }
        self.stdout.write(json.dumps(summary, ensure_ascii=False))

"""Demo employers. Contribution history for the demo people builds on them."""

from __future__ import annotations

from api.demo import DemoContext
from contributions.models import Employer

DEMO_EMPLOYERS = [
    ("TA0101A", "Công ty TNHH Phần mềm Sông Hồng", "01"),
    ("TA0102B", "Công ty Cổ phần Dệt may Hà Đông", "01"),
    ("YN7901C", "Công ty TNHH Thương mại Bến Thành", "79"),
    ("DA4801D", "Công ty Cổ phần Cảng Tiên Sa", "48"),
]


def seed_demo(ctx: DemoContext) -> None:
    for code, name, province_code in DEMO_EMPLOYERS:
        Employer.objects.get_or_create(
            code=code, defaults={"name": name, "province_code": province_code}
        )

"""Demo facilities and the clinic operator's link to facility 01001."""

from __future__ import annotations

from accounts.selectors import user_find_by_identifier
from api.demo import DemoContext
from healthcards.models import ClinicOperator, Facility, FacilityLevel

DEMO_FACILITIES = [
    ("01001", "Bệnh viện Đa khoa Đống Đa", "01", FacilityLevel.DISTRICT),
    ("01C54", "Trạm Y tế phường Láng Hạ", "01", FacilityLevel.COMMUNE),
    ("01002", "Bệnh viện Trung ương Thủ đô", "01", FacilityLevel.CENTRAL),
    ("79012", "Bệnh viện Nhân dân Gia Định", "79", FacilityLevel.PROVINCIAL),
    ("40017", "Trung tâm Y tế huyện Nghi Lộc", "40", FacilityLevel.DISTRICT),
    ("48001", "Bệnh viện Đa khoa Đà Nẵng", "48", FacilityLevel.PROVINCIAL),
]


def seed_demo(ctx: DemoContext) -> None:
    for code, name, province_code, level in DEMO_FACILITIES:
        Facility.objects.get_or_create(
            code=code, defaults={"name": name, "province_code": province_code, "level": level}
        )
    operator = user_find_by_identifier(identifier="clinic.demo")
    if operator is not None:
        ClinicOperator.objects.get_or_create(
            user=operator, defaults={"facility": Facility.objects.get(code="01001")}
        )

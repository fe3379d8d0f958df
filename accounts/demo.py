"""Demo people: the documented logins, a household of three, and synthetic citizens."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from accounts.models import Gender, Household, HouseholdRelation, Insuree, Province, User
from accounts.provinces import PROVINCE_NAMES
from api.demo import DemoContext
from api.roles import Role

FAMILY_NAMES = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
    "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý",
]  # fmt: skip
MIDDLE_NAMES = {
    Gender.MALE: ["Văn", "Hữu", "Đức", "Minh", "Quốc", "Gia", "Thanh", "Công"],
    Gender.FEMALE: ["Thị", "Ngọc", "Thu", "Thanh", "Minh", "Bảo", "Khánh", "Mai"],
}
GIVEN_NAMES = {
    Gender.MALE: ["Anh", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khoa", "Long", "Nam",
                  "Phong", "Quân", "Sơn", "Thắng", "Trung", "Tuấn", "Việt"],
    Gender.FEMALE: ["Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hoa", "Hương", "Lan",
                    "Linh", "Mai", "Ngân", "Phương", "Thảo", "Trang", "Yến"],
}  # fmt: skip
MOBILE_PREFIXES = ["32", "33", "35", "37", "38", "70", "77", "79", "81", "83", "86", "88",
                   "90", "91", "93", "94", "96", "97", "98"]  # fmt: skip

DEMO_HOUSEHOLD = {"code": "HGD0100012345", "address": "Số 12 ngõ 34 Láng Hạ, Đống Đa, Hà Nội"}
DEMO_PEOPLE: list[dict[str, Any]] = [
    {
        "social_insurance_number": "0123456789",
        "national_id": "001190012345",
        "full_name": "Nguyễn Thị Lan",
        "date_of_birth": date(1990, 5, 12),
        "gender": Gender.FEMALE,
        "phone": "+84912345678",
        "household_relation": HouseholdRelation.HEAD,
        "account": True,
    },
    {
        "social_insurance_number": "0123456790",
        "national_id": "001088012346",
        "full_name": "Trần Văn Minh",
        "date_of_birth": date(1988, 2, 20),
        "gender": Gender.MALE,
        "phone": "+84987654321",
        "household_relation": HouseholdRelation.SPOUSE,
        "account": True,
    },
    {
        "social_insurance_number": "0123456791",
        "national_id": "001222012347",
        "full_name": "Trần Gia Bảo",
        "date_of_birth": date(2022, 9, 3),
        "gender": Gender.MALE,
        "phone": "",
        "household_relation": HouseholdRelation.CHILD,
        "account": False,
    },
]
DEMO_STAFF = [
    ("clinic.demo", Role.CLINIC, "Phạm Thu Hà", "clinic operator at facility 01001"),
    ("support.demo", Role.SUPPORT, "Lê Quốc Bảo", "support staff"),
    ("agency.demo", Role.AGENCY, "Đỗ Minh Châu", "agency staff"),
]
SYNTHETIC_SIN_PREFIX = "9"  # synthetic citizens get 9xxxxxxxxx: never a demo or real-looking pair


def seed_demo(ctx: DemoContext) -> None:
    hanoi = Province.objects.get(code="01")
    household, _ = Household.objects.get_or_create(
        code=DEMO_HOUSEHOLD["code"],
        defaults={"address": DEMO_HOUSEHOLD["address"], "province": hanoi},
    )
    for person in DEMO_PEOPLE:
        fields = {k: v for k, v in person.items() if k != "account"}
        sin = fields.pop("social_insurance_number")
        insuree, _ = Insuree.objects.get_or_create(
            social_insurance_number=sin,
            defaults={
                **fields,
                "province": hanoi,
                "household": household,
                "address": household.address,
            },
        )
        if person["account"]:
            _user_ensure(ctx, sin, Role.CITIZEN, insuree.full_name, insuree=insuree)
            ctx.logins.append((sin, f"citizen {insuree.full_name}"))
    for username, role, name, what in DEMO_STAFF:
        _user_ensure(ctx, username, role, name, is_staff=role != Role.CLINIC)
        ctx.logins.append((username, what))
    if not User.objects.filter(username="admin").exists():
        User.objects.create(
            username="admin",
            role=Role.ADMIN,
            full_name="Quản trị hệ thống",
            password=ctx.password_hash,
            is_staff=True,
            is_superuser=True,
        )
    ctx.logins.append(("admin", "superuser (admin site at /admin/)"))


def _user_ensure(
    ctx: DemoContext,
    username: str,
    role: str,
    full_name: str,
    *,
    insuree: Insuree | None = None,
    is_staff: bool = False,
) -> User:
    user, _ = User.objects.get_or_create(
        username=username,
        defaults={
            "role": role,
            "full_name": full_name,
            "insuree": insuree,
            "password": ctx.password_hash,
            "is_staff": is_staff,
        },
    )
    return user


def _synthetic_person(ctx: DemoContext, serial: int) -> dict[str, Any]:
    rng = ctx.rng
    gender = rng.choice([Gender.MALE, Gender.FEMALE])
    born = date(1965, 1, 1) + timedelta(days=rng.randrange(0, 365 * 40))
    province = rng.choice(list(PROVINCE_NAMES))
    century_gender = (born.year // 100 - 19) * 2 + (1 if gender == Gender.FEMALE else 0)
    return {
        "social_insurance_number": f"{SYNTHETIC_SIN_PREFIX}{serial:09d}",
        "national_id": f"0{province}{century_gender}{born.year % 100:02d}{serial % 1_000_000:06d}",
        "full_name": " ".join(
            [
                rng.choice(FAMILY_NAMES),
                rng.choice(MIDDLE_NAMES[gender]),
                rng.choice(GIVEN_NAMES[gender]),
            ]
        ),
        "date_of_birth": born,
        "gender": gender,
        "phone": f"+84{rng.choice(MOBILE_PREFIXES)}{rng.randrange(0, 10**7):07d}",
        "province_id": province,
    }


def synthetic_citizens_create(ctx: DemoContext, count: int, batch_size: int = 5000) -> list[int]:
    """Bulk-create ``count`` more synthetic citizens, each with an account; return insuree ids.

    Serial numbers continue after the highest existing synthetic one, so the command can be
    run again to add more. National IDs embed the serial modulo 10^6, so at most 999,999
    synthetic citizens exist at once.
    """
    last = (
        Insuree.objects.filter(social_insurance_number__startswith=SYNTHETIC_SIN_PREFIX)
        .order_by("-social_insurance_number")
        .values_list("social_insurance_number", flat=True)
        .first()
    )
    first_serial = int(last[1:]) + 1 if last else 1
    if first_serial + count > 1_000_000:
        raise ValueError("At most 999,999 synthetic citizens are supported.")
    ids: list[int] = []
    for start in range(first_serial, first_serial + count, batch_size):
        stop = min(start + batch_size, first_serial + count)
        people = [Insuree(**_synthetic_person(ctx, serial)) for serial in range(start, stop)]
        Insuree.objects.bulk_create(people, batch_size=batch_size)
        sins = [person.social_insurance_number for person in people]
        created = dict(
            Insuree.objects.filter(social_insurance_number__in=sins).values_list(
                "social_insurance_number", "id"
            )
        )
        User.objects.bulk_create(
            [
                User(
                    username=person.social_insurance_number,
                    role=Role.CITIZEN,
                    full_name=person.full_name,
                    insuree_id=created[person.social_insurance_number],
                    password=ctx.password_hash,
                )
                for person in people
            ],
            batch_size=batch_size,
        )
        ids.extend(created[sin] for sin in sins)
        ctx.log(f"  synthetic citizens: {stop - first_serial}/{count}")
    return ids

"""The dispatch policy, level by level."""

from dispatch.policy import Recipient, StationContacts, first_target, next_target

LEAD = Recipient("陈经理", "13800138000")
LIFT = {"unit_id": "u1", "station_id": "s1", "district": "南山区"}


def station(sid, unit="u1", districts=("南山区",), name=None):
    return StationContacts(sid, name or sid, unit, districts, Recipient("站长", "13900139000"),
                           (Recipient("工", "13700137000"),))


def test_level_one_is_the_bound_station_with_lead_and_workers_and_the_unit_lead_copied():
    target = first_target(LIFT, station("s1"), LEAD)
    assert (target.level, target.kind, target.station_id) == (1, "station", "s1")
    assert [(r.name, r.cc) for r in target.recipients] == [
        ("站长", False), ("工", False), ("陈经理", True)]
    assert [r.name for r in first_target(LIFT, station("s1"), None).recipients] == ["站长", "工"]


def test_one_message_per_mobile_when_people_hold_several_roles():
    doubled = StationContacts("s2", "s2", "u1", ("南山区",), Recipient("站长", "13900139000"),
                              (Recipient("站长", "13900139000"), Recipient("工", "13700137000")))
    lead_is_worker = Recipient("陈经理", "13700137000")
    target = first_target(LIFT, doubled, lead_is_worker)
    assert [(r.mobile, r.cc) for r in target.recipients] == [
        ("13900139000", False), ("13700137000", False)]  # the worker stays a responder
    assert next_target(1, LIFT, [doubled]).recipients == (
        Recipient("站长", "13900139000"), Recipient("工", "13700137000"))


def test_unbound_lift_goes_to_the_units_emergency_lead():
    target = first_target({**LIFT, "station_id": None}, None, LEAD)
    assert (target.level, target.kind, target.recipients) == (1, "unit_lead", (LEAD,))
    assert "emergency lead" in target.reason


def test_unknown_lift_goes_straight_to_operators():
    target = first_target(None, None, None)
    assert (target.level, target.kind) == (3, "operators") and "unknown lift" in target.reason


def test_level_two_prefers_another_station_of_the_same_unit_covering_the_district():
    candidates = [station("s1"), station("x", unit="u2", name="A"), station("s2", name="Z"),
                  station("far", districts=("福田区",))]
    target = next_target(1, LIFT, candidates)
    assert (target.level, target.station_id) == (2, "s2")
    other_unit_only = next_target(1, LIFT, [station("s1"), station("x", unit="u2")])
    assert other_unit_only.station_id == "x"


def test_no_covering_station_or_level_two_unanswered_goes_to_operators():
    assert next_target(1, LIFT, [station("far", districts=("福田区",))]).kind == "operators"
    final = next_target(2, LIFT, [station("s2")])
    assert (final.level, final.kind) == (3, "operators") and "fire" in final.reason

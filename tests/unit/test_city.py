"""The synthetic city's shape: day curve, daily count, the power-cut burst, determinism."""

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from bench import city as sim


def test_days_have_30_to_40_alarms_peaking_in_the_rush_hours():
    rng = random.Random(3)
    days = [sim.day_times(date(2026, 11, 1) + timedelta(days=d), rng) for d in range(200)]
    assert all(30 <= len(day) <= 40 for day in days)
    hours = Counter(t.astimezone(sim.ZONE).hour for day in days for t in day)
    peaks = sum(hours[h] for h in (8, 9, 18, 19)) / 4
    night = sum(hours[h] for h in (2, 3, 4)) / 3
    assert peaks > 10 * night
    assert all(t.astimezone(sim.ZONE).date() == day[0].astimezone(sim.ZONE).date()
               for day in days for t in day)


def test_power_cut_puts_5000_alarms_in_ten_minutes_front_loaded():
    start = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    times = sim.burst_times(start, rng=random.Random(1))
    assert len(times) == 5000
    assert start <= times[0] and times[-1] <= start + timedelta(minutes=10)
    first_half = sum(1 for t in times if t < start + timedelta(minutes=5))
    assert first_half > 3000


def test_the_city_is_the_same_for_the_same_seed_and_mostly_bound():
    a, b = sim.City.generate(2_000, seed=5), sim.City.generate(2_000, seed=5)
    assert a.lifts == b.lifts and a.lifts != sim.City.generate(2_000, seed=6).lifts
    assert len({lift.code for lift in a.lifts}) == 2_000
    assert all(len(lift.code) == 20 and lift.code.isdigit() for lift in a.lifts)
    bound = sum(lift.station is not None for lift in a.lifts) / len(a.lifts)
    assert 0.85 < bound < 0.95
    alarms = sim.power_cut(a, count=500, seed=9)
    assert len({x.source_ref for x in alarms}) == 500
    assert sum(x.lift.startswith("4403999") for x in alarms) < 60  # ≈5% unknown lifts

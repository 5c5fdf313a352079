"""Personal data (issue 14): full numbers encrypted outside the events, shown only to those
allowed, crypto-shredded by `pii purge`."""

from datetime import UTC, datetime, timedelta

import psycopg

from tests.e2e.registry_helpers import make_lift, make_station, make_unit

CALLER, RESPONDER = "13812345678", "13912345678"
AT = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)


def iso(minutes: float) -> str:
    return (AT + timedelta(minutes=minutes)).isoformat()


def rescue(client, lift: str, ref: str = "CC-PII-1") -> str:
    """A ticket on a registered lift with a caller and an assigned responder."""
    opened = client.post("/v1/alarms", json={
        "lift": lift, "source": "96333", "source_ref": ref, "received_at": iso(0),
        "trapped_count": 1, "caller": {"name": "李", "phone": CALLER}})
    assert opened.status_code == 201, opened.text
    ticket_id = opened.json()["ticket_id"]
    for path, body in [("notify", {"at": iso(1)}),
                       ("assign", {"responder": {"name": "王师傅", "mobile": RESPONDER},
                                   "at": iso(2)})]:
        answer = client.post(f"/v1/tickets/{ticket_id}/{path}", json=body)
        assert answer.status_code == 200, (path, answer.text)
    return ticket_id


def registered_ticket(client, n: int = 1, ref: str = "CC-PII-1") -> tuple[str, str]:
    unit_id = make_unit(client)
    station_id = make_station(client, unit_id)
    lift = make_lift(client, unit_id, n,
                     safety_manager={"name": "赵安全", "mobile": "13600136000"})
    bound = client.post(f"/v1/stations/{station_id}/bind", json={"registration_codes": [lift]})
    assert bound.status_code == 200, bound.text
    return unit_id, rescue(client, lift, ref)


def test_numbers_are_encrypted_and_events_hold_refs_and_masks(client, database_url):
    _, ticket_id = registered_ticket(client)
    with psycopg.connect(database_url) as conn:
        rows = conn.execute("SELECT kind, ciphertext, nonce FROM personal_data").fetchall()
        raw = conn.execute("SELECT string_agg(encode(state, 'escape'), '') "
                           "FROM tickets_events").fetchone()[0]
    tickets = [kind for kind, *_ in rows if not kind.startswith("registry_")]  # + registry's
    assert sorted(tickets) == ["caller_name", "caller_phone", "responder_mobile"]
    for _, sealed, nonce in rows:
        blob = bytes(sealed) + bytes(nonce)
        for number in (CALLER, RESPONDER):
            assert number.encode() not in blob and number[3:].encode() not in blob
    assert CALLER not in raw and RESPONDER not in raw
    assert "138****5678" in raw and "phone_ref" in raw and "mobile_ref" in raw
    events = client.get(f"/v1/tickets/{ticket_id}/events").text
    assert CALLER not in events and RESPONDER not in events


def test_operator_sees_full_numbers_of_everyone(client, token_for):
    _, ticket_id = registered_ticket(client)
    answer = client.get(f"/v1/tickets/{ticket_id}/contacts", headers=token_for("operator"))
    assert answer.status_code == 200, answer.text
    contacts = answer.json()
    assert contacts["caller"] == {"name": "李", "masked": "138****5678", "phone": CALLER,
                                  "problem": None}
    assert contacts["responder"]["phone"] == RESPONDER
    assert contacts["station_lead"]["phone"] == "13900139000"
    assert [w["phone"] for w in contacts["station_workers"]] == ["13700137000"]
    assert contacts["unit_emergency_lead"]["phone"] == "13800138000"
    assert contacts["safety_manager"]["phone"] == "13600136000"


def test_auditor_is_refused_and_units_see_only_their_own(client, token_for):
    unit_id, ticket_id = registered_ticket(client)
    other_unit = make_unit(client, name="别家维保")
    assert client.get(f"/v1/tickets/{ticket_id}/contacts",
                      headers=token_for("auditor")).status_code == 403
    own = client.get(f"/v1/tickets/{ticket_id}/contacts", headers=token_for("unit", unit_id))
    assert own.status_code == 200 and own.json()["caller"]["phone"] == CALLER
    assert client.get(f"/v1/tickets/{ticket_id}/contacts",
                      headers=token_for("unit", other_unit)).status_code == 404


def test_purge_shreds_and_the_ticket_still_reads_masked(client, database_url):
    from adapters.cli.pii import purge

    _, ticket_id = registered_ticket(client)
    with psycopg.connect(database_url) as conn:  # pretend the ticket is 200 days old
        conn.execute("UPDATE personal_data SET created_at = now() - interval '200 days' "
                     "WHERE kind = 'caller_phone'")
    store = client.app.state.services.personal_data
    assert purge(store, "180d") == 1
    with psycopg.connect(database_url) as conn:
        rows = dict(conn.execute("SELECT kind, ciphertext IS NULL FROM personal_data "
                                 "WHERE kind NOT LIKE 'registry_%'"))
    assert rows == {"caller_phone": True, "caller_name": False, "responder_mobile": False}
    contacts = client.get(f"/v1/tickets/{ticket_id}/contacts").json()
    assert contacts["caller"] == {"name": "李", "masked": "138****5678", "phone": None,
                                  "problem": "purged"}
    assert contacts["responder"]["phone"] == RESPONDER
    ticket = client.get(f"/v1/tickets/{ticket_id}")
    assert ticket.status_code == 200 and ticket.json()["caller"]["phone"] == "138****5678"


def test_a_wrong_key_cannot_decrypt(client):
    from adapters.postgres.personal_data import PersonalDataStore

    _, ticket_id = registered_ticket(client)
    services = client.app.state.services
    services.personal_data.aead = PersonalDataStore(services.pool, b"k" * 32).aead
    answer = client.get(f"/v1/tickets/{ticket_id}/contacts")
    assert answer.status_code == 200
    caller = answer.json()["caller"]
    assert caller["phone"] is None and caller["problem"] == "unreadable"
    assert caller["masked"] == "138****5678"


def test_dispatcher_texts_full_mobiles_whether_held_whole_or_by_reference(services):
    dispatcher, store = services.dispatcher, services.personal_data
    ref = store.keep("station_lead_mobile", "13500135000")
    by_ref = {"name": "新站长", "mobile": "135****5000", "mobile_ref": ref}
    assert dispatcher._recipient(by_ref).mobile == "13500135000"
    assert dispatcher._recipient({"name": "老站长", "mobile": "13900139000"}).mobile \
        == "13900139000"
    assert dispatcher._recipient({"name": "只有掩码", "mobile": "135****5000"}) is None
    with psycopg.connect(services.database_url) as conn:
        conn.execute("UPDATE personal_data SET created_at = now() - interval '2 days'")
    assert store.purge(timedelta(days=1)) == 1
    assert dispatcher._recipient(by_ref) is None  # purged: nobody to text, logged as an error


def test_pii_purge_command(client, database_url, monkeypatch, capsys):
    from adapters.cli.main import parser
    from adapters.runtime.settings import Settings

    _, ticket_id = registered_ticket(client)
    monkeypatch.setenv("LIFTRESCUE_DATABASE_URL", database_url)
    monkeypatch.setenv("LIFTRESCUE_ENVIRONMENT", "test")
    args = parser().parse_args(["pii", "purge", "--older-than", "6 months"])
    try:
        args.run(args, Settings())
    except SystemExit as exit_:
        assert exit_.code == 2
    assert "e.g. 180d" in capsys.readouterr().err
    with psycopg.connect(database_url) as conn:
        conn.execute("UPDATE personal_data SET created_at = now() - interval '181 days'")
    args = parser().parse_args(["pii", "purge", "--older-than", "180d"])
    args.run(args, Settings())
    # The ticket's 3 (caller's name and phone, responder's mobile); registry contacts on duty
    # are never purged.
    assert "purged 3 personal value(s)" in capsys.readouterr().out
    contacts = client.get(f"/v1/tickets/{ticket_id}/contacts").json()
    assert contacts["caller"]["phone"] is None and contacts["responder"]["problem"] == "purged"


def test_a_wrong_key_is_reported_at_start(services):
    from structlog.testing import capture_logs

    from adapters.postgres.personal_data import PersonalDataStore

    assert services.personal_data.key_fits()  # nothing stored yet
    services.personal_data.keep("caller_phone", CALLER)
    assert services.personal_data.key_fits()
    with capture_logs() as logs:
        assert not PersonalDataStore(services.pool, b"x" * 32).key_fits()
    assert [e["event"] for e in logs] == ["personal_data_unreadable"]
    assert CALLER not in repr(logs)

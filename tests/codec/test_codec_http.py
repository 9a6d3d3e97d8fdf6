"""The codec server over HTTP: a real server on a free port, payloads encoded by the
project's converter, the read log on SQLite and on PostgreSQL.

Staff see a payload as it is and each decode is logged with who and which pathway;
an auditor sees it with the person's identity masked, logged too; a request without a
valid pass, from a role that reads no pathway, for another namespace or from another
page than the UI's opens nothing and logs nothing."""

from __future__ import annotations

import base64
import json

import pytest
from sqlalchemy import create_engine, pool, text

from parcours.adapters.settings import Settings
from parcours.adapters.temporal.converter import data_converter
from parcours.adapters.temporal.keys import Keyring
from parcours.codec.payloads import MASK
from parcours.domain.notification import Notification
from parcours.domain.vocabulary import PartnerKind, Role
from parcours.workflows.messages import participant_fields
from tests.cli.logged_reads import read_log_rows
from tests.codec.helpers import (
    IDENTITY,
    PID,
    UI_ORIGIN,
    Codec,
    body,
    documents,
    encoded,
    start_input,
)
from tests.codec.http_client import call
from tests.servers import TEST_KEYRING
from tests.support import T0, participant

STAFF, AUDITOR = ("staff-7f3a", Role.STAFF), ("aud-01", Role.AUDITOR)


def logged(settings: Settings) -> list[tuple[str, str, str, str]]:
    return [
        (r["actor_id"], r["role"], r["command"], r["pathway_id"])
        for r in read_log_rows(settings.readmodel_url)
    ]


def notification() -> Notification:
    fields = participant_fields(participant())
    return Notification("k1", PartnerKind.REFERRER, "CCAS", "intake_completed", 2, T0, fields)


async def test_staff_see_the_person_and_each_decode_is_logged(
    codec: Codec, codec_settings: Settings
) -> None:
    sent = await encoded(start_input(), "plain words")
    assert not [word for word in IDENTITY if word.encode() in sent[0].SerializeToString()]

    answer = codec.post("decode", sent, codec.pass_for(*STAFF))

    assert answer.status == 200, answer.body
    started, words = documents(answer)
    assert started["participant"]["last_name"] == "Quillfeather"
    assert started["participant"]["phone"] == "+33 6 00 00 00 00"
    assert words == "plain words"
    assert logged(codec_settings) == [("staff-7f3a", "staff", "codec_decode", PID)]
    said = " ".join(read_log_rows(codec_settings.readmodel_url)[0].values())
    assert not [word for word in IDENTITY if word in said]


async def test_a_decode_naming_no_pathway_is_logged_without_one(
    codec: Codec, codec_settings: Settings
) -> None:
    unencrypted = await encoded("never encrypted")
    clear = data_converter(TEST_KEYRING).payload_converter.to_payloads(["clear"])
    assert codec.post("decode", clear, codec.pass_for(*STAFF)).status == 200
    assert logged(codec_settings) == []  # nothing was opened: not a read
    assert codec.post("decode", unencrypted, codec.pass_for(*STAFF)).status == 200
    assert logged(codec_settings) == [("staff-7f3a", "staff", "codec_decode", "")]


async def test_an_auditor_sees_no_identity(codec: Codec, codec_settings: Settings) -> None:
    sent = await encoded(start_input(), notification(), participant(), b"\x00binary")

    answer = codec.post("decode", sent, codec.pass_for(*AUDITOR))

    assert answer.status == 200, answer.body
    started, told, person, binary = documents(answer)
    assert {str(value) for value in started["participant"].values()} <= {MASK, "", "[]"}
    assert started["participant"]["first_name"] == MASK
    assert started["participant"]["skills"] == MASK
    assert started["participant"]["address"] == ""  # empty stays empty: nothing to hide
    assert started["pathway_id"] == PID
    assert started["meta"]["reason"] == "orientation"  # reasons, as `timeline` shows them
    assert set(told["fields"].values()) <= {MASK, ""}
    assert person["last_name"] == MASK
    assert binary is None  # not JSON, so not checkable: it stays encrypted
    assert answer.json()["payloads"][3] == json.loads(body(sent[3:]))["payloads"][0]
    decoded = b" ".join(base64.b64decode(p["data"]) for p in answer.json()["payloads"])
    assert not [word for word in IDENTITY if word.encode() in decoded]
    assert logged(codec_settings) == [("aud-01", "auditor", "codec_decode", PID)]


@pytest.mark.parametrize("role", [Role.STAFF, Role.COORDINATOR])
async def test_staff_and_coordinators_encode_what_parcours_decodes(
    codec: Codec, role: Role
) -> None:
    plain = data_converter(TEST_KEYRING).payload_converter.to_payloads(["hello"])
    answer = codec.post("encode", plain, codec.pass_for("staff-1", role))
    assert answer.status == 200, answer.body
    payload = answer.json()["payloads"][0]
    assert base64.b64decode(payload["metadata"]["encoding"]) == b"binary/encrypted"
    again = codec.post("decode", json.dumps(answer.json()), codec.pass_for("staff-1", role))
    assert documents(again) == ["hello"]


async def test_who_may_not_is_refused_and_nothing_is_opened_or_logged(
    codec: Codec, codec_settings: Settings
) -> None:
    sent = await encoded(start_input())
    foreign = await data_converter(Keyring.generate()).encode([start_input()])
    staff, auditor = codec.pass_for(*STAFF), codec.pass_for(*AUDITOR)
    cases = [
        (codec.post("decode", sent), 401, "access.missing"),
        (codec.post("decode", sent, "pcp1.e30.AAAA"), 401, "access.forged"),
        (codec.post("decode", sent, codec.pass_for(*STAFF, hours=-1)), 401, "access.expired"),
        (codec.post("decode", sent, codec.pass_for("p-1", Role.PARTNER)), 403, "role_decode"),
        (codec.post("encode", sent, auditor), 403, "role_encode"),
        (codec.post("decode", sent, staff, X_Namespace="other"), 400, "namespace"),
        (codec.post("decode", '{"payloads": 3}', staff), 400, "bad_body"),
        (codec.post("decode", sent, staff, Content_Type="text/plain"), 415, "content_type"),
        (codec.post("decode", list(foreign), staff), 422, "cannot_decrypt"),
    ]
    for answer, status, error in cases:
        assert (answer.status, answer.json()["error"]) == (status, error), answer.body
        assert not [word for word in IDENTITY if word.encode() in answer.body]
    assert cases[0][0].headers["www-authenticate"] == 'Bearer realm="parcours"'
    french = codec.post("decode", sent, Accept_Language="fr-FR,fr;q=0.9")
    assert french.json()["message"].startswith("Connectez-vous d'abord")
    role = codec.post("encode", sent, auditor, Accept_Language="fr").json()["message"]
    assert role.startswith("Le rôle auditeur ne peut pas"), role  # its name, not its key
    assert call(f"{codec.url}/decode").status == 405
    assert call(f"{codec.url}/nothing", "POST", "{}").status == 404
    assert logged(codec_settings) == []


async def test_only_the_web_ui_may_call_it_from_a_browser(
    codec: Codec, codec_settings: Settings
) -> None:
    asked = {"Access-Control-Request-Method": "POST"}
    preflight = call(f"{codec.url}/decode", "OPTIONS", headers={"Origin": UI_ORIGIN, **asked})
    assert preflight.status == 204
    assert preflight.headers["access-control-allow-origin"] == UI_ORIGIN
    assert preflight.headers["access-control-allow-credentials"] == "true"
    assert "x-namespace" in preflight.headers["access-control-allow-headers"]
    assert "POST" in preflight.headers["access-control-allow-methods"]
    other = call(f"{codec.url}/decode", "OPTIONS", headers={"Origin": "http://evil.test", **asked})
    assert other.status == 403
    assert "access-control-allow-origin" not in other.headers

    sent = await encoded(start_input())
    staff = codec.pass_for(*STAFF)
    from_ui = codec.post("decode", sent, staff, Origin=UI_ORIGIN)
    assert from_ui.status == 200
    assert from_ui.headers["access-control-allow-origin"] == UI_ORIGIN
    assert codec.post("decode", sent, staff, Origin="http://evil.test").status == 403
    assert [row[3] for row in logged(codec_settings)] == [PID]  # the UI's decode only


def test_the_sign_in_page_sets_a_private_cookie(codec: Codec) -> None:
    page = call(f"{codec.url}/", headers={"Accept-Language": "fr"})
    assert page.status == 200
    assert b'name="pass"' in page.body
    assert b"Votre laissez-passer" in page.body
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    wrong = call(f"{codec.url}/signin", "POST", "pass=pcp1.e30.AAAA", form)
    assert (wrong.status, "set-cookie" in wrong.headers) == (401, False)
    assert b"not issued by this service" in wrong.body
    staff = codec.pass_for(*STAFF)
    foreign = call(f"{codec.url}/signin", "POST", f"pass={staff}", {**form, "Origin": UI_ORIGIN})
    assert foreign.status == 403  # only the page itself signs in

    signed = call(f"{codec.url}/signin", "POST", f"pass={staff}", form)
    assert signed.status == 200
    cookie = signed.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    assert b"Signed in as staff-7f3a (staff)" in signed.body
    assert "Secure" not in cookie  # plain HTTP on loopback; behind an HTTPS proxy it is:
    proxied = {**form, "X-Forwarded-Proto": "https"}
    assert (
        "Secure"
        in call(f"{codec.url}/signin", "POST", f"pass={staff}", proxied).headers["set-cookie"]
    )
    jar = cookie.split(";")[0]
    assert b"staff-7f3a" in call(f"{codec.url}/", headers={"Cookie": jar}).body
    out = call(f"{codec.url}/signout", "POST", "", {**form, "Cookie": jar})
    assert "Max-Age=0" in out.headers["set-cookie"]


REFUSE_READS = {
    "sqlite": (
        "CREATE TRIGGER refuse_reads BEFORE INSERT ON read_log "
        "BEGIN SELECT RAISE(ABORT, 'the log is closed'); END",
    ),
    "postgresql": (
        "CREATE FUNCTION refuse_reads() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'the log is closed'; END $$",
        "CREATE TRIGGER refuse_reads BEFORE INSERT ON read_log "
        "FOR EACH ROW EXECUTE FUNCTION refuse_reads()",
    ),
}


async def test_a_decode_the_read_log_cannot_take_answers_nothing(
    codec: Codec, codec_settings: Settings
) -> None:
    engine = create_engine(codec_settings.readmodel_url, poolclass=pool.NullPool)
    with engine.begin() as conn:
        for statement in REFUSE_READS[engine.dialect.name]:
            conn.execute(text(statement))
    engine.dispose()
    answer = codec.post("decode", await encoded(start_input()), codec.pass_for(*STAFF))
    assert (answer.status, answer.json()["error"]) == (503, "read_log")
    assert "Nothing is decoded" in answer.json()["message"]
    assert not [word for word in IDENTITY if word.encode() in answer.body]

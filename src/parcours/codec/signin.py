"""The codec server's sign-in page: where a browser trades a codec pass for a cookie.

The Temporal web UI cannot send a bearer token to a codec server without its own
sign-in (OIDC), but it can send the codec server's cookies ("include cross-origin
credentials" in its codec settings). A staff member opens this page on the codec
server's own address, pastes the pass `parcours codec-pass` gave them, and the page
sets it as an HttpOnly, SameSite=Strict cookie for the codec server alone: no script of
the UI can read it, and no other site can have it sent. No JavaScript, no outside file.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from urllib.parse import parse_qs

from parcours.app.staff_access import COOKIE, AccessRefused, StaffCheck
from parcours.codec.service import Reply, words
from parcours.domain.records import Actor

PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;max-width:40em;margin:2em auto;line-height:1.5}}
input[type=password]{{width:100%;font-family:monospace}}.said{{font-weight:bold}}</style>
</head><body><h1>{title}</h1>{said}{form}<p>{ui}</p></body></html>
"""

SIGN_IN = """<form method="post" action="signin"><p><label for="pass">{label}</label><br>
<input type="password" id="pass" name="pass" autocomplete="off" required></p>
<p><button type="submit" id="signin">{submit}</button></p></form>"""

SIGN_OUT = """<form method="post" action="signout">
<p><button type="submit" id="signout">{submit}</button></p></form>"""


def page(lang: str, reader: Actor | None, said: str = "", status: int = 200) -> Reply:
    """The page: who is signed in (with a way out), or the form to sign in."""
    if reader is None:
        form = SIGN_IN.format(label=_t(lang, "label"), submit=_t(lang, "submit"), lang=lang)
    else:
        role = words(lang, f"role.{reader.role.value}")
        who = _t(lang, "signed_in", actor=reader.actor_id, role=role)
        said = f"{said} {who}".strip()
        form = SIGN_OUT.format(submit=_t(lang, "signout"))
    body = PAGE.format(
        lang=lang,
        title=_t(lang, "title"),
        said=f'<p class="said" id="said">{html.escape(said)}</p>' if said else "",
        form=form,
        ui=html.escape(_t(lang, "ui")),
    )
    return Reply(status, body.encode(), "text/html; charset=utf-8")


def signed_in_as(check: StaffCheck, headers: Mapping[str, str]) -> Actor | None:
    """Who the request's cookie (or token) says, or None."""
    try:
        return check(headers)
    except AccessRefused:
        return None


def sign_in(check: StaffCheck, lang: str, form: bytes, *, secure: bool = False) -> Reply:
    """Check the pass posted; set it as the cookie, or say why not (401). `secure`: the
    page was reached over HTTPS (through a proxy), so the cookie travels on HTTPS only."""
    given = parse_qs(form.decode(errors="replace")).get("pass", [""])[0].strip()
    try:
        reader = check({"Authorization": f"Bearer {given}"})
    except AccessRefused as err:
        return page(lang, None, words(lang, f"codec.error.access.{err.reason}"), 401)
    reply = page(lang, reader, _t(lang, "done"))
    cookie = f"{COOKIE}={given}; Path=/; HttpOnly; SameSite=Strict" + ("; Secure" if secure else "")
    return Reply(200, reply.body, reply.content_type, {"Set-Cookie": cookie})


def sign_out(lang: str) -> Reply:
    reply = page(lang, None, _t(lang, "out"))
    cookie = f"{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
    return Reply(200, reply.body, reply.content_type, {"Set-Cookie": cookie})


def _t(lang: str, key: str, **values: str) -> str:
    return words(lang, f"codec.signin.{key}", **values)

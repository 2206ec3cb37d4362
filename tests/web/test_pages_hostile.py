"""Hand-made bad requests to every page route: odd ids, odd query values, junk forms. None may
get a 500 (schemathesis covers the API; pages are not in the OpenAPI document)."""

from __future__ import annotations

import re

from tests.web.conftest import World
from tests.web.test_page_authorization import PAGES

ODD_IDS = ["0", "-1", str(2**40), "abc", "1.5", "%00", "9" * 30]
JUNK_FORMS = [
    {},
    {"name": "\x00", "email": "a@b", "role": "x" * 20, "draws": "1e999", "seed": "-5"},
    {"scenarios": "all_fso:../../etc", "draws": "NaN", "step": "nowhere", "action": "remove:99"},
    {"version": "0", "document": "{", "study": "\u202e", "evaluator": "", "judgments": "9/0"},
]


def test_no_page_answers_500_to_odd_ids_queries_or_forms(seeded: World) -> None:
    world = seeded
    csrf = world.sign_in("owner@acme.test")
    ids = world.ids["Acme"]
    failures = []
    for method, path in PAGES:
        names = re.findall(r"{(\w+)}", path)
        urls = [path.format(**{n: ids.get(n, "x") for n in names})]
        for name in names:
            if name == "workspace_id":
                continue
            for odd in ODD_IDS:
                urls.append(
                    path.format(**{n: odd if n == name else ids.get(n, "x") for n in names})
                )
        for url in urls:
            if method == "GET":
                for query in ("", "?offset=-3&step=zzz&evaluator=%00&format=exe&study=nope"):
                    status = world.client.get(url + query, follow_redirects=False).status_code
                    if status >= 500:
                        failures.append((method, url + query, status))
            else:
                for form in JUNK_FORMS:
                    answer = world.client.post(
                        url,
                        data={"csrf_token": csrf, **form},
                        headers={"X-CSRF-Token": csrf},
                        follow_redirects=False,
                    )
                    if answer.status_code >= 500:
                        failures.append((method, url, answer.status_code))
        if method == "POST" and path == "/logout":
            csrf = world.sign_in("owner@acme.test")
    assert failures == []

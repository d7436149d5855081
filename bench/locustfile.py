"""People using Koppel, for `make loadtest` (run by bench/loadtest.py, not on its own).

Each simulated person waits 1–2 s between requests (WAIT=0: not at all) and does a mix of:
searching the initiative list with words and filters, opening a profile, a broker reading a
need's suggestions, and the load balancer's /healthz. A request counts as an error only when
the server answers 5xx or nothing within the client timeout.
"""

import json
import os
import random

from locust import HttpUser, between, constant, task

PLAN = json.loads(os.environ["KOPPEL_LOAD_PLAN"])
WORDS = ["vrijwilligers", "mantelzorg", "ouderen", "jongeren", "buurt", "klussen", "taal",
         "eenzaamheid", "moestuin", "maaltijd"]
TIMEOUT = 10.0


class Person(HttpUser):
    """Someone browsing, or a broker at work."""

    wait_time = constant(0) if os.environ.get("KOPPEL_LOAD_WAIT") == "0" else between(1, 2)

    def _get(self, path: str, name: str, **kwargs) -> None:
        with self.client.get(path, name=name, timeout=TIMEOUT, catch_response=True,
                             **kwargs) as response:
            if response.status_code == 0 or response.status_code >= 500:
                response.failure(f"{response.status_code}")
            else:
                response.success()

    @task(5)
    def search(self) -> None:
        params = {"q": random.choice(WORDS), "limit": 20}
        if random.random() < 0.5:
            params["municipality"] = random.choice(PLAN["municipalities"])
        if random.random() < 0.3:
            params["theme"] = random.choice(PLAN["themes"])
        self._get("/api/v1/initiatives", "list", params=params)

    @task(4)
    def profile(self) -> None:
        self._get(f"/api/v1/initiatives/{random.choice(PLAN['initiatives'])}", "detail")

    @task(2)
    def broker_reads_suggestions(self) -> None:
        self._get(f"/api/v1/needs/{random.choice(PLAN['needs'])}/matches", "matches",
                  headers={"Authorization": f"Bearer {PLAN['broker_token']}"})

    @task(2)
    def healthz(self) -> None:
        self._get("/healthz", "healthz")

"""Each dashboard area's routes for the route-by-route access test (test_dashboard_access.py).

An area module declares:
- RULES: {endpoint: roles allowed};
- ANSWERED_IN_PLACE: POST endpoints that answer 200 with a page instead of a 303 redirect;
- ID_ROUTES: [(endpoint, a role allowed)] for every route with an id in its URL (checked for 404);
- seed(world): add the rows its URLs need (inside the app context; the caller commits) and put
  their ids in world.ids under the URL argument's name (client_id, intake_id, row_id, call_id,
  booking_id and practitioner_id are already there);
- form(endpoint, world, token) -> dict: a valid form for each of its POST routes (the csrf
  token is already in it under "csrf_token").
"""

from tests.support.route_rules import (
    accounts,
    clients,
    desk,
    diary,
    own_calendar,
    therapist,
    waitlist,
)

AREAS = [accounts, diary, desk, clients, therapist, own_calendar, waitlist]

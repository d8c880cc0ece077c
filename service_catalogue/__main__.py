"""`python -m service_catalogue check`: validate the catalogue files and say what they hold."""

from __future__ import annotations

import sys
from collections import Counter

from service_catalogue.loading import CatalogueError, load_catalogue, load_questions


def main(argv: list[str]) -> int:
    """Validate; print every problem, or a one-line summary per agency."""
    if argv[1:] != ["check"]:
        print("usage: python -m service_catalogue check", file=sys.stderr)
        return 2
    try:
        catalogue = load_catalogue()
        load_questions()
    except CatalogueError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(f"{len(error.problems)} problem(s)", file=sys.stderr)
        return 1
    per_agency = Counter(service.agency for service in catalogue.services.values())
    for agency, count in sorted(per_agency.items()):
        print(f"{agency}: {count} service(s)")
    print(f"ok: {len(catalogue.services)} services, {len(catalogue.agencies)} agencies")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))

"""Test helper: a process that appends runs to a ledger until done (or killed).

    python tests/ledger_writer.py LEDGER RUNS STATUSES     # LEDGER: a file path or a URL

Prints "ready" once the ledger is open and waits for a line on stdin, so a test
can start several writers at the same moment. Then appends RUNS runs, each a
"run" entry {"expected": STATUSES} followed by STATUSES control_status entries,
and prints each run id once its run is committed.
"""

from __future__ import annotations

import sys

from hipaa_cac.ledger import NewEntry, open_ledger


def main(path: str, runs: int, statuses: int) -> None:
    with open_ledger(path) as ledger:
        print("ready", flush=True)
        sys.stdin.readline()
        for _ in range(runs):
            entries = [NewEntry("run", {"expected": statuses})]
            entries += [
                NewEntry("control_status", {"control": f"c{n}", "status": "pass"})
                for n in range(statuses)
            ]
            run_id, _ = ledger.append_run(entries)
            print(run_id, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))

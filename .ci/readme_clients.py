#!/usr/bin/python3
"""Runs the README's Python snippets (zeep and astropy) against a running OpenCasJobs.

    /usr/bin/python3 .ci/readme_clients.py URL WSID PASSWORD
    /usr/bin/python3 .ci/readme_clients.py --print-snippets     # the snippets, as the README shows them

URL is the service address, e.g. http://localhost:8080/services/jobs.asmx. The snippets are read
from README.md (the ```python blocks after a marker line) and executed as written, in one shared namespace that starts
with URL, wsid and password; after each one the script checks what it produced. Files the snippets
write land in a temporary folder. Exit status 0 when every check passed, 1 otherwise.
Needs python3-zeep and python3-astropy (.ci/install-python-clients installs them).
"""
import os
import sys
import tempfile

# The snippets are the README's own: each ```python block that follows the marker line below.
MARKER = "<!-- checked by .ci/readme_clients.py -->"
README = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "README.md")


def readme_snippets():
    """The marked Python blocks of README.md, in order, as (title, code)."""
    lines = open(README, encoding="utf-8").read().split("\n")
    snippets = []
    for i, line in enumerate(lines):
        if line.strip() == MARKER and i + 1 < len(lines) and lines[i + 1].strip() == "```python":
            j = i + 2
            while lines[j].strip() != "```":
                j += 1
            snippets.append(("README.md line %d" % (i + 3), "\n".join(lines[i + 2:j]) + "\n"))
    return snippets


SNIPPETS = readme_snippets()

failures = []


def check(ok, what):
    print(("  ok    " if ok else "  FAIL  ") + what)
    if not ok:
        failures.append(what)


def checks_after(index, ns):
    if index == 0:
        lines = ns["csv"].split("\n")
        check(lines[0] == "[objID]:Integer,[ra]:Float,[dec]:Float,[r]:Float",
              "ExecuteQuickJob answers typed CSV with the header [objID]:Integer,[ra]:Float,… (got %r)" % lines[0])
        check(len(lines) == 5 and lines[-1] == "", "3 rows, each line ending in \\n (got %d lines)" % len(lines))
    elif index == 1:
        info = ns["info"]
        check(isinstance(ns["job"], int) and ns["job"] > 0, "SubmitJob returns a job id (%r)" % ns["job"])
        check(info.JobID == ns["job"], "GetJobs 'jobid:N' returns that job (JobID %r)" % info.JobID)
        check(info.Status == 5, "the batch job finished: status 5 (got %r, error %r)" % (info.Status, info.Error))
        check(info.Rows == 10, "it wrote 10 rows (got %r)" % info.Rows)
        check(info.Error is None, "no Error (got %r)" % info.Error)
    elif index == 2:
        stars, again = ns["stars"], ns["again"]
        columns = ["objID", "ra", "dec", "r"]
        check(stars.colnames == columns, "FITS columns %s (got %s)" % (columns, stars.colnames))
        check(again.colnames == columns, "VOTable columns %s (got %s)" % (columns, again.colnames))
        check(len(stars) == 10 and len(again) == 10, "10 rows in each (got %d and %d)" % (len(stars), len(again)))
        check(stars["objID"].dtype.kind == "i" and again["objID"].dtype.kind == "i",
              "objID is an integer column in both (got %s and %s)" % (stars["objID"].dtype, again["objID"].dtype))
        check(sorted(stars["objID"]) == sorted(again["objID"]), "FITS and VOTable hold the same objIDs")
        check(all(abs(a - b) < 1e-9 for a, b in zip(sorted(stars["ra"]), sorted(again["ra"]))),
              "FITS and VOTable hold the same ra values")


def main(argv):
    if argv[1:] == ["--print-snippets"]:
        for title, code in SNIPPETS:
            print("# " + title + "\n" + code)
        return 0
    if len(argv) != 4:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    if len(SNIPPETS) != 3:
        print("readme_clients: expected 3 marked Python blocks in README.md, found %d" % len(SNIPPETS))
        return 1
    url, wsid, password = argv[1], int(argv[2]), argv[3]
    os.chdir(tempfile.mkdtemp(prefix="readme-clients-"))
    print("readme_clients: %s as wsid %d, files in %s" % (url, wsid, os.getcwd()))

    # Not a README snippet: make the run repeatable against a server that already has mydb.Stars.
    from zeep import Client
    Client(url + "?WSDL").service.ExecuteQuickJob(wsid=wsid, pw=password, context="MyDB", taskname="readme setup",
                                                  isSystem=True, qry="DROP TABLE IF EXISTS Stars")

    ns = {"URL": url, "wsid": wsid, "password": password}
    for index, (title, code) in enumerate(SNIPPETS):
        print("--- " + title)
        try:
            exec(compile(code, "<README snippet %d>" % (index + 1), "exec"), ns)
        except Exception as e:  # a snippet that raises is a failed check, and the later ones depend on it
            check(False, "the snippet ran without an exception: %s: %s" % (type(e).__name__, e))
            break
        checks_after(index, ns)
    if failures:
        print("readme_clients FAILED: %d check(s)" % len(failures))
        return 1
    print("readme_clients: every README Python snippet ran and checked out")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

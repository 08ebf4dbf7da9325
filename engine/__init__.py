"""plancascade's engine: our thin layer over SpiffWorkflow (no Flask here).

Read the sub-packages from the bottom up; each may import only those before it:

    core → workflow → domain → processes, queries → admin → demo

`cli.py` is the console script's entry point and the only importer of `demo` outside tests.
"""

"""`python -m hipaa_cac.cli`, the same as the `hipaa-cac` command."""

from hipaa_cac.cli import main

main()

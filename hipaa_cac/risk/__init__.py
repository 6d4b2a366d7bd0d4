"""The risk register: HIPAA 164.308(a)(1)(ii)(A) risk analysis and (B) risk
management, kept as `risk/register.yaml` in the policy repo (docs/risk.md).

register.py reads and checks it, edit.py changes it in place (keeping the
author's comments and layout), cli/risk.py is `hipaa-cac risk`.
"""

"""hipaa-cac: HIPAA compliance as code.

The pipeline, one package each: controls -> collectors -> evidence ->
evaluator -> ledger -> reports.
"""

__version__ = "0.1.0"

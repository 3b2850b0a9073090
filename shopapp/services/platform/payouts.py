"""The operator pays out the balances the platform's collection holds for shops, in batches, each recorded
in the payout ledger and the audit log."""

from __future__ import annotations

from sqlmodel import Session

from shopapp.services.platform import audit
from shopapp.services.settlement import ledger


def run_batch(session: Session, operator, minimum: int = 1) -> dict:
    batch = ledger.pay_out(session, f"operator:{operator.email}", minimum)
    audit.record(session, operator, "payout_batch", reason=f"{batch['shops']} shops, {batch['total']} 分")
    return batch

"""Orders after checkout: the state machine and its events (the bottom), views, lists, export, fulfilment, tracking, waybills, refunds, after-sales."""

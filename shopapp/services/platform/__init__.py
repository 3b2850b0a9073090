"""The platform's own side: plans the operator sets, operators, suspensions, the audit log, platform figures;
billing, invoices and custom domains."""

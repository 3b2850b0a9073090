"""The platform's own pages: the home that sells the product, sign-up, log-in, invitations."""

"""Customer service: conversations with shoppers, quick replies, and the AI reply assistant (ai/)."""

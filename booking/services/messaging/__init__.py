"""Messages: the outbox and its worker, what a change queues, one-tap replies, phone calls,
call requests, and the therapists' calendar feeds."""

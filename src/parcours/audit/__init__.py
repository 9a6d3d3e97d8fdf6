"""Auditing pathways from their Temporal histories, with no worker and no read model.

- `history`: fetch every run of a pathway; read and write history files (ours and
  Temporal's own JSON);
- `recording`: decode what a history recorded (start input, commands, wake-ups);
- `fold`: rebuild the pathway at any instant through the pure domain;
- `replay`: replay histories against today's workflow code;
- `bundle`: a hash-chained copy of a history that shows any later change.
"""

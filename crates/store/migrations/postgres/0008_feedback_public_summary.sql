-- A public summary of a feedback item, written or approved by staff (issue 11, #9): what
-- anyone may read instead of the sender's own description, with house numbers and names
-- left out. NULL until staff set it. Not watched by the statistics roll-up triggers.
ALTER TABLE feedback ADD COLUMN public_summary TEXT;

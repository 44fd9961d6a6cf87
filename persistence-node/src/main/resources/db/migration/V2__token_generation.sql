-- Tokens carry the account's token generation; RESUME accepts a token only while it matches, so raising it
-- (a kick) revokes every token the account has.
ALTER TABLE accounts ADD COLUMN token_generation BIGINT NOT NULL DEFAULT 0;

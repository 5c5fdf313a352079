-- tickets_view shape 4 (issue 14, closing the loop): the release's rescue method (救援方法 code)
-- and when the callback (回访确认) was confirmed. Old rows get NULL here;
-- PostgresTicketsView.SHAPE_VERSION = 4 replays the log, which fills them.
ALTER TABLE tickets_view ADD COLUMN IF NOT EXISTS rescue_method text;
ALTER TABLE tickets_view ADD COLUMN IF NOT EXISTS callback_confirmed_at timestamptz;

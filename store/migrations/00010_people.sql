-- +goose Up
-- People (users, groups, API keys): groups can be deleted through the API (DELETE
-- /api/v2/groups/{groupId}); their memberships and group course assignments go with them
-- (ON DELETE CASCADE), the assignments members already received stay.
GRANT DELETE ON groups TO learnd_app;

-- +goose Down
REVOKE DELETE ON groups FROM learnd_app;

package ghapi

import (
	"context"
	"errors"
	"net/http"
)

// User reads the account called login (GET /users/{username}, "Get a
// user", docs.github.com/rest/users/users#get-a-user): its id and its type
// ("User", "Bot" or "Organization"). found is false when GitHub answers
// 404, which it does for a login no account has (never had, renamed away,
// or deleted). One request; `snekomatic explain` uses it to learn who a
// login is before it looks the person up in the state by id.
func (c *Client) User(ctx context.Context, login string) (id int64, typ string, found bool, err error) {
	if login == "" {
		// go-github reads an empty name as "the token's user".
		return 0, "", false, errors.New("no login to look up")
	}
	u, _, err := c.rest.Users.Get(ctx, login)
	switch {
	case isStatus(err, http.StatusNotFound):
		return 0, "", false, nil
	case err != nil:
		return 0, "", false, restError(err)
	}
	return u.GetID(), u.GetType(), true, nil
}

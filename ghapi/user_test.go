package ghapi

import (
	"context"
	"testing"
)

func TestUserByLogin(t *testing.T) {
	gh, c := setup(t)
	ctx := context.Background()
	alice := gh.AddUser("alice")
	bot := gh.AddBot("helper[bot]")
	for _, tt := range []struct {
		login string
		id    int64
		typ   string
		found bool
	}{
		{"alice", alice.ID, "User", true},
		{"ALICE", alice.ID, "User", true}, // logins compare without case
		{"helper[bot]", bot.ID, "Bot", true},
		{"trio", gh.Lookup("trio").ID, "Organization", true},
		{"nobody-here", 0, "", false},
	} {
		id, typ, found, err := c.User(ctx, tt.login)
		if err != nil || id != tt.id || typ != tt.typ || found != tt.found {
			t.Errorf("User(%s) = %d, %q, %v, %v; want %d, %q, %v", tt.login, id, typ, found, err, tt.id, tt.typ, tt.found)
		}
	}
	if _, _, _, err := c.User(ctx, ""); err == nil {
		t.Error("User(\"\") read something: go-github takes an empty login for the token's user")
	}
}

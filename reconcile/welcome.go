package reconcile

import (
	"fmt"
	"strings"
)

// WelcomeMarker is hidden in every welcome comment. Before posting a welcome
// that may already have been posted (a run that died between the comment
// and saving it), the pull request is searched for this marker.
func WelcomeMarker(org string, userID int64) string {
	return fmt.Sprintf("<!-- snekomatic:welcome org=%s user=%d -->", strings.ToLower(org), userID)
}

// AcceptURL is where an invitee accepts an invitation to org, on the web
// host that serves the API (github.com, or a GitHub Enterprise Server).
func AcceptURL(webURL, org string) string {
	return strings.TrimRight(webURL, "/") + "/orgs/" + org + "/invitation"
}

// WelcomeComment is the text posted on an invitee's merged pull request.
func WelcomeComment(login, org string, userID int64, acceptURL string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Hi @%s, thank you for this contribution, and congratulations on getting it merged! :tada:\n\n", login)
	fmt.Fprintf(&b, "We'd like to welcome you into the %s organization on GitHub, so we've sent you an invitation. "+
		"You can accept it here: %s\n\n", org, acceptURL)
	b.WriteString("Membership is a way of saying that you're part of the project now. " +
		"It gives you a little more access (for example, you can be assigned to issues and request reviews), " +
		"but it comes with no obligations: contribute as much or as little as you like, whenever you like.\n\n")
	b.WriteString("It's also completely fine to decline or simply ignore the invitation. " +
		"This is the only time we'll ask, so you won't get reminders.\n\n")
	b.WriteString("Thanks again!\n\n")
	b.WriteString(WelcomeMarker(org, userID))
	b.WriteString("\n")
	return b.String()
}

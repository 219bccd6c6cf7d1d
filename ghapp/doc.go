// Package ghapp authenticates as a GitHub App and as its installations.
//
// A GitHub App is registered once, by a user or an organization, and gets
// an App id and one or more RSA private keys. It does nothing until it is
// installed: each installation on an organization or user account is like
// a virtual account on that account, holding the permissions the App asked
// for and the account's owner granted (say, "members": "write" and
// "pull_requests": "write"), and acting as the App's bot user
// ("<app-slug>[bot]").
//
// Authentication has two steps:
//
//  1. The App proves who it is with a JSON web token (JWT) it signs itself
//     with its private key (RS256; iss is the App id, and GitHub accepts at
//     most ten minutes between iat and exp). A JWT is only good for the
//     App-management endpoints under /app: listing installations and
//     asking for tokens.
//  2. It exchanges the JWT for an installation access token
//     (POST /app/installations/{id}/access_tokens), which expires after an
//     hour and acts in that one installation, with its permissions, on
//     REST and GraphQL alike.
//
// [App.HTTPClient] hides both steps: its transport (ghinstallation's,
// pointed at the configured API URL) fetches a token on first use, adds it
// to every request, and renews it a minute before it expires, one renewal
// at a time however many goroutines are waiting. Should GitHub still
// refuse a token the transport believed valid (it was revoked, or this
// machine's clock is behind GitHub's), the request is retried once with a
// new token. One client per installation is shared by githubv4 and
// go-github.
//
// Errors never carry a JWT, a token or key material: GitHub's messages are
// cut to one line and anything shaped like a credential is redacted.
// [AuthError] means GitHub refused the App's own credentials;
// [InstallationError] means the installation is unknown to this App or
// suspended; [ResponseError] is any other unexpected answer.
//
// This is the Go home of what the original Python bot's gh.py did.
package ghapp

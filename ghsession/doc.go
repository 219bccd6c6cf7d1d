// Package ghsession is one run's authenticated connection to GitHub:
// credentials in (Credentials, resolved by cmd from flags and the
// environment), one ghtransport stack per identity (the token, or each App
// installation), the organizations to act on as Targets with a client each,
// the one loop that acts on them (Each: a target's error, a skip, or the
// caller's function, a few at a time), ReconcileClient (a spent hourly
// budget is reconcile's invitation limit), and the checks that go with the
// credentials: in token mode, that the
// token's user is an owner before anything is sent (MayInvite), and
// whether GitHub refused the token (Refused).
//
// Each identity's hourly budget of content-creating requests (invitations
// and comments) starts from what earlier runs sent, as the state records
// it, and every such request is written down before it goes: the state is
// reached only through the ContentLog interface declared here. A request is
// counted under its target's organization, which the target's own
// transport carries; nothing is parsed back out of a string.
//
// What it may touch: the network, through the base transport it is given
// (cmd puts its interrupt gate there), ghapp, ghtransport and ghapi; the
// state through ContentLog. It reads no environment and writes nothing to
// stdout or stderr: secrets to mask go to Config.Mask, logs to
// Config.Logger.
package ghsession

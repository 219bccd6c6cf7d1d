package reconcile

import "errors"

// ErrPendingNotListed: GitHub would not list the organization's pending
// invitations to these credentials (it shows them to owners, and to an App
// with the Organization members permission). MembershipReader.Memberships
// returns it together with the members it could list; those not among
// them must be checked one by one.
var ErrPendingNotListed = errors.New("GitHub does not list the organization's pending invitations to these credentials")

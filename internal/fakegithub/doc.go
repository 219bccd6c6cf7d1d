// Package fakegithub is an in-memory fake of the parts of GitHub's REST and
// GraphQL APIs that snekomatic uses, served with net/http/httptest on
// 127.0.0.1 so that tests never reach github.com.
//
// # What it models
//
// A "world" of accounts (users, bots, mannequins, organizations),
// repositories and the files in them, pull requests and issues,
// organization membership, teams and invitations (pending and failed; an
// invitation may name teams), issue comments and personal access tokens.
// Tests build it with AddOrg, AddUser, AddRepo, AddFile, AddPR, SetMember,
// AddTeam, AddPendingInvitation, AddToken, ... and inspect what the code
// under test did with PendingInvitations, CreatedInvitations (with their
// roles and TeamIDs), Comments, Requests and CountRequests. Every value handed out is a
// copy; change the world only through methods.
//
// The server behaves like GitHub Enterprise Server: REST lives under
// /api/v3/ (RESTURL) and GraphQL at /api/graphql (GraphQLURL); every other
// path answers 404, so a client that builds github.com URLs fails loudly.
// Responses carry GitHub's headers (x-github-request-id, x-ratelimit-* per
// token and resource, Link pagination), its status codes and its JSON
// error shapes (404 Not Found, 401 Bad credentials, 422 Validation Failed
// with an errors array, GraphQL errors with a top-level "type").
//
// GraphQL documents are parsed and validated with gqlparser against
// schema.graphql, a subset of GitHub's public schema with GitHub's own
// names, then run by a small generic executor (graphql_exec.go). GitHub's
// connection rules are enforced (first/last required, at most 100, node
// limit) and each query is charged a cost computed GitHub's way. Search
// (search.go) understands the qualifiers snekomatic needs, including date
// ranges, returns results in an order clients cannot rely on, caps paging
// at 1,000 results and can lag behind the world (SetHidden, SetIndexLag).
//
// # Behaving as GitHub documents, on by default
//
// Each behaviour below is on in every fake and cites the GitHub document
// it follows where it is implemented; a focused test may turn one off:
//
//   - content-creation secondary limits (secondary.go): per user or
//     installation, at most 80 invitations and comments a rolling minute
//     and 500 a rolling hour of the fake's clock, else 403 with GitHub's
//     secondary-limit message and Retry-After (SetContentLimits(0, 0)
//     turns them off; ContentLimitRefusals counts refusals);
//   - only organization owners invite with a personal token, else 403
//     MsgMustBeOwner (SetOwnersOnlyInvitations(false); MakeOwner and
//     TokenOwner help a test world give the token's user the role);
//   - pending invitations are an owner's view (visibility.go): with a
//     personal token of anyone else, GET /orgs/{org}/invitations answers
//     404 and GraphQL Organization.pendingMembers a FORBIDDEN error (data
//     null up to the organization, the rest of the answer kept);
//     GET /orgs/{org}/memberships/{username} answers 403 to a non-member
//     asking about someone else (SetPendingInvitationsOwnersOnly(false));
//   - partial data with typed errors on demand: RefuseGraphQLField makes
//     one field answer FORBIDDEN to every token;
//   - an invitee id that names no account answers 404, a deleted account
//     422 MsgInvalidInviteeID without an errors list;
//   - installations limited to selected repositories
//     (SelectRepositories): repository_selection "selected", and their
//     tokens see only those repositories, in search too;
//   - among the injected faults: 429s, blank Retry-After headers, and
//     GraphQL timeouts as GitHub sends them (HTTP 200, "data": null, one
//     untyped "Something went wrong while executing your query" error).
//
// The end-to-end tests also judge the fake: internal/schematest checks
// every REST request and answer against GitHub's REST description.
// Requests record their arrival time on the fake's clock (Request.At).
//
// # GitHub Apps
//
// AddApp (or NewApp, which makes and caches a key) registers an App and its
// bot user "app-<id>[bot]"; AddInstallation installs it on an organization
// or a user with a permission map ("metadata": "read" is always added).
// The App endpoints (GET /app, GET /app/installations,
// GET /app/installations/{id}, POST /app/installations/{id}/access_tokens)
// accept only a JWT, checked as GitHub does: RS256 signed with the App's
// key, iss its id or client id, iat at most 60 s ahead of the fake's clock,
// exp after it and at most ten minutes after iat; failures answer 401 with
// GitHub's messages (MsgJWTUndecodable, MsgIntegrationNotFound, ...). A JWT
// anywhere else is an unknown token (401 Bad credentials).
//
// An installation token ("ghs_...") acts as the App's bot, sees only its
// installation's account (reads elsewhere 404, writes elsewhere 403
// MsgNotAccessibleByIntegration), shares one rate limit with the
// installation's other tokens, and answers 401 Bad credentials once it
// expires by the fake's clock (SetInstallationTokenTTL, default one hour)
// or is revoked (RevokeInstallationTokens); a suspended installation's
// tokens answer 403. Permissions are checked per route, simply:
// memberships, members, teams and invitations need "members" read (write
// to invite, cancel or set a membership); listing comments needs "issues"
// or "pull_requests" read, posting one write; reading a file's contents
// needs "contents" read; GraphQL membersWithRole and
// pendingMembers need "members" read (FORBIDDEN otherwise); GET /user is
// refused; everything else, search included, needs only metadata. Missing
// permissions answer 403 MsgNotAccessibleByIntegration with an
// X-Accepted-GitHub-Permissions header. Since clients sign JWTs with the
// real time, tests using Apps should leave the clock near it.
//
// # Where things live
//
// A REST endpoint's facts are one row of restRoutes (routes.go): its
// method and path (with the parameter names of GitHub's REST description),
// its handler, the installation permission it needs, whether it creates
// content (counted by the secondary limits), and the GitHub page it
// follows, which is also the documentation_url of its errors (docOf).
// TestRouteTable checks every row against GitHub's REST description.
//
// What tests switch away from GitHub's defaults (SetOwnersOnlyInvitations,
// SetPendingInvitationsOwnersOnly, RefuseGraphQLField, SetInvitationCap,
// SetInstallationTokenTTL, SetIndexLag) is held in GitHub.settings, and
// the content limits with their counts in GitHub.content; nothing
// per-fake lives in a package-level variable. The world (world.go) holds
// what GitHub stores: accounts, repositories, items, invitations, tokens,
// Apps. Permission levels are ranked by internal/ghperm, as in ghapp.
//
// # Files
//
//	server.go              GitHub type and its settings, constructors, Use, request log, Kind
//	middleware.go          inner chain: prefix routing, auth, rate limits
//	routes.go              the REST route table and the router built from it
//	rest.go                pagination, shared JSON shapes, request bodies
//	rest_orgs.go           orgs, members, invitations, memberships, teams
//	rest_users.go          users, /user, /rate_limit
//	rest_issues.go         repositories, issue comments, file contents
//	visibility.go          who sees pending invitations and memberships
//	errors.go              error bodies and the exported message constants
//	world.go               the world model: exported copies, stored objects, ids
//	world_accounts.go      building/inspecting accounts and tokens
//	world_orgs.go          building/inspecting members, teams, invitations
//	world_repos.go         building/inspecting repositories, PRs, issues, files, comments
//	app.go                 GitHub Apps and installations: types, building, inspecting
//	app_jwt.go             the App's JWT: authenticateApp, verifyJWT
//	app_endpoints.go       the App endpoints, issuing installation tokens
//	app_permissions.go     installation permissions per REST route and GraphQL field
//	graphql.go             GraphQL endpoint, validation errors, cost
//	graphql_exec.go        the executor
//	graphql_resolvers.go   resolvers per type
//	search.go              search query language and result paging
//	faults.go              seeded faults: 502s, secondary limits, GraphQL
//	                       RATE_LIMITED, latency, hangs, ambiguous writes
//	caps.go                GitHub's daily invitation cap per organization
//	secondary.go           content-creation secondary limits per credential
//	worldfile.go           world files (YAML/JSON): World, LoadWorld, AddWorld
//	listen.go              NewServerOn, for serving on a given listener
//	serve.go               ServeWorld, RequestLogger: `snekomatic fake-github`'s server
//	schema.graphql         the schema subset (embedded)
//
// # Request flow
//
//	ServeHTTP: record request, set common headers
//	  → Use middlewares (first added is outermost)
//	  → prefix routing (/api/v3/..., /api/graphql, else 404)
//	  → authenticate (401 without a known token; App paths: authenticateApp, JWT)
//	  → rateLimit (x-ratelimit-* headers; 403 / RATE_LIMITED when used up)
//	  → REST: the route's row (restRouter): checkInstallation (installation
//	    tokens, routes with an install need), limitContent (routes that
//	    create content), the handler; GraphQL: serveGraphQL
//
// # Growing it
//
// A REST endpoint: add its row to restRoutes (routes.go), with the path
// as GitHub's REST description spells it, the doc URL it follows, what an
// installation needs for it and whether it creates content; write the
// handler in the rest_*.go file of its area. Handlers take g.mu for their
// whole run, read the token from stateOf(r).tok, use
// readOrg/writeOrg/findRepo for visibility, paginate lists with
// g.paginate, and answer errors with WriteError / WriteValidationFailed
// and docOf(r). If the vendored description (internal/githubdesc) lacks
// the operation, refresh it, or list the route in TestRouteTable's
// undescribed with the reason.
//
// A GraphQL field: copy its definition (unchanged) from GitHub's schema into
// schema.graphql, then add a resolver in graphql_resolvers.go, or put the
// value in the map[string]any that backs the parent object. A new object
// type needs an entry in newResolvers and, if it can appear behind an
// interface or union, a case in graphqlTypeOf.
//
// A fault: InjectFaults (faults.go) covers the common ones from a seed; for
// anything else write a func(http.Handler) http.Handler and install it with
// Use. It sees every
// request before authentication; KindOf and TokenOf classify the request,
// WriteError and WriteGraphQLErrors answer in GitHub's shapes, and a hung
// response should wait on r.Context().Done() or Closing() so that Close
// does not block. Requests answered by a middleware are still recorded.
//
// A switch away from GitHub's default behaviour: a field of settings
// (server.go) and a Set... method that takes g.mu, never a package-level
// map keyed by the fake. Later features belong with the world state they
// need (world.go and its world_*.go) plus an endpoint or resolver as above,
// the way the invitation cap (caps.go) hooks into the invitation handler.
package fakegithub

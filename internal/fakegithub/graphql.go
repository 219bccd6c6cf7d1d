package fakegithub

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"regexp"
	"strings"
	"sync"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// The GraphQL endpoint: request decoding, parsing, validation against the
// embedded schema subset, GitHub's pagination limits and cost, then
// execution (graphql_exec.go) with the resolvers of graphql_resolvers.go.

//go:embed schema.graphql
var schemaSDL string

var (
	schemaOnce   sync.Once
	schemaParsed *ast.Schema
)

// loadSchema parses the embedded schema once; it is read-only afterwards.
func loadSchema() *ast.Schema {
	schemaOnce.Do(func() {
		s, err := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: schemaSDL})
		if err != nil {
			panic("fakegithub: embedded schema.graphql does not load: " + err.Error())
		}
		schemaParsed = s
	})
	return schemaParsed
}

// SchemaSDL returns the embedded GraphQL schema subset (GitHub's names and
// types, MIT-licensed by GitHub).
func SchemaSDL() string { return schemaSDL }

// GitHub's pagination limits.
const (
	maxPageSize  = 100
	maxNodeLimit = 500000
)

// serveGraphQL answers POST /api/graphql.
func (g *GitHub) serveGraphQL(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	if r.Method != http.MethodPost {
		writeNotFound(w, docGraphQL)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 4<<20))
	var req struct {
		Query         *string         `json:"query"`
		Variables     json.RawMessage `json:"variables"`
		OperationName string          `json:"operationName"`
	}
	if err != nil || json.Unmarshal(body, &req) != nil {
		WriteError(w, http.StatusBadRequest, MsgProblemsParsingJSON, docGraphQL)
		return
	}
	query := ""
	if req.Query != nil {
		query = *req.Query
	}
	vars, verr := decodeVariables(req.Variables)
	g.recordGraphQL(st, query, normalizeNumbers(vars).(map[string]any))
	if verr != nil {
		WriteGraphQLErrors(w, &GraphQLError{Message: "Variables are invalid JSON: " + verr.Error()})
		return
	}
	if strings.TrimSpace(query) == "" {
		WriteGraphQLErrors(w, &GraphQLError{Message: "A query attribute must be specified and must be a string."})
		return
	}

	doc, perr := parser.ParseQuery(&ast.Source{Name: "query", Input: query})
	if perr != nil {
		WriteGraphQLErrors(w, parseError(perr))
		return
	}
	if errs := validator.ValidateWithRules(g.schema, doc, nil); len(errs) > 0 {
		WriteGraphQLErrors(w, translateValidation(doc, errs)...)
		return
	}
	op, ge := selectOperation(doc, req.OperationName)
	if ge != nil {
		WriteGraphQLErrors(w, ge)
		return
	}
	coerced, cerr := validator.VariableValues(g.schema, op, vars)
	if cerr != nil {
		WriteGraphQLErrors(w, variableError(op, vars, cerr))
		return
	}
	cost, errs := analyzeCost(doc, op, coerced)
	if len(errs) > 0 {
		WriteGraphQLErrors(w, errs...)
		return
	}
	dry := isDryRun(op, coerced)

	g.mu.Lock()
	rw := g.window(st.tok, "graphql")
	if !dry {
		if rw.remaining() < cost.cost {
			setRateHeaders(w.Header(), rw)
			msg := g.rateLimitMessage(st.tok)
			g.mu.Unlock()
			WriteGraphQLErrors(w, &GraphQLError{Type: "RATE_LIMITED", Message: msg})
			return
		}
		rw.used += cost.cost
	}
	setRateHeaders(w.Header(), rw)
	ex := &executor{
		g: g, schema: g.schema, doc: doc, vars: coerced, res: g.resolvers,
		typeOf: g.graphqlTypeOf, tok: st.tok, cost: cost, dryRun: dry,
	}
	data := ex.run(op)
	g.mu.Unlock()

	resp := &orderedObject{}
	resp.set("data", data)
	if len(ex.errors) > 0 {
		resp.set("errors", ex.errors)
	}
	WriteJSON(w, http.StatusOK, resp)
}

// decodeVariables accepts a JSON object, null, or a string holding a JSON
// object (some clients send that). Numbers stay json.Number so that
// gqlparser can coerce them.
func decodeVariables(raw json.RawMessage) (map[string]any, error) {
	vars := map[string]any{}
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		return vars, nil
	}
	if strings.HasPrefix(s, `"`) {
		var inner string
		if err := json.Unmarshal(raw, &inner); err != nil {
			return vars, err
		}
		if strings.TrimSpace(inner) == "" {
			return vars, nil
		}
		s = inner
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	if err := dec.Decode(&vars); err != nil {
		return map[string]any{}, err
	}
	if vars == nil {
		vars = map[string]any{}
	}
	return vars, nil
}

// normalizeNumbers replaces json.Number by int64 or float64, recursively.
func normalizeNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n
		}
		f, _ := x.Float64()
		return f
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalizeNumbers(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalizeNumbers(e)
		}
		return out
	}
	return v
}

func selectOperation(doc *ast.QueryDocument, name string) (*ast.OperationDefinition, *GraphQLError) {
	if name != "" {
		if op := doc.Operations.ForName(name); op != nil {
			return op, nil
		}
		return nil, &GraphQLError{Message: fmt.Sprintf("No operation named %q", name)}
	}
	switch len(doc.Operations) {
	case 0:
		return nil, &GraphQLError{Message: "No operations in query document"}
	case 1:
		return doc.Operations[0], nil
	}
	return nil, &GraphQLError{Message: "An operation name is required"}
}

func gqlLocations(locs []gqlerror.Location) []Location {
	var out []Location
	for _, l := range locs {
		out = append(out, Location{Line: l.Line, Column: l.Column})
	}
	return out
}

var reParseToken = regexp.MustCompile(`(?:found|Unexpected) (.+)$`)

// parseError words a syntax error the way GitHub's graphql-ruby does,
// 'Parse error on "}" at [1, 10]', falling back to gqlparser's message.
func parseError(err error) *GraphQLError {
	var ge *gqlerror.Error
	if !errors.As(err, &ge) || len(ge.Locations) == 0 {
		return &GraphQLError{Message: "Parse error: " + err.Error()}
	}
	l := ge.Locations[0]
	msg := fmt.Sprintf("Parse error at [%d, %d]: %s", l.Line, l.Column, ge.Message)
	if m := reParseToken.FindStringSubmatch(ge.Message); m != nil {
		msg = fmt.Sprintf("Parse error on %q at [%d, %d]", strings.Trim(m[1], `"`), l.Line, l.Column)
	}
	return &GraphQLError{Locations: gqlLocations(ge.Locations), Message: msg}
}

func variableError(op *ast.OperationDefinition, vars map[string]any, err error) *GraphQLError {
	var ge *gqlerror.Error
	if !errors.As(err, &ge) || len(ge.Path) < 2 {
		return &GraphQLError{Message: err.Error()}
	}
	name := fmt.Sprint(ge.Path[1])
	vd := op.VariableDefinitions.ForName(name)
	if vd == nil {
		return &GraphQLError{Message: err.Error()}
	}
	var sub []any
	for _, p := range ge.Path[2:] {
		sub = append(sub, p)
	}
	if sub == nil {
		sub = []any{}
	}
	out := &GraphQLError{
		Message: fmt.Sprintf("Variable $%s of type %s was provided invalid value", name, vd.Type.String()),
		Extensions: map[string]any{
			"value":    normalizeNumbers(vars[name]),
			"problems": []any{map[string]any{"path": sub, "explanation": ge.Message}},
		},
	}
	if vd.Position != nil {
		out.Locations = []Location{{Line: vd.Position.Line, Column: vd.Position.Column}}
	}
	return out
}

// ---- validation errors in GitHub's words --------------------------------

// posInfo locates a field in a document, for error paths.
type posInfo struct {
	field *ast.Field
	path  []any
	op    *ast.OperationDefinition
}

// indexFields maps "line:column" of every field to its graphql-ruby style
// path (["query", "search", "nodes", "... on PullRequest", "title"]).
func indexFields(doc *ast.QueryDocument) map[[2]int]posInfo {
	idx := map[[2]int]posInfo{}
	var walk func(sels ast.SelectionSet, path []any, op *ast.OperationDefinition)
	walk = func(sels ast.SelectionSet, path []any, op *ast.OperationDefinition) {
		for _, sel := range sels {
			switch s := sel.(type) {
			case *ast.Field:
				key := s.Alias
				if key == "" {
					key = s.Name
				}
				p := append(path[:len(path):len(path)], key)
				if s.Position != nil {
					idx[[2]int{s.Position.Line, s.Position.Column}] = posInfo{field: s, path: p, op: op}
				}
				walk(s.SelectionSet, p, op)
			case *ast.InlineFragment:
				label := "..."
				if s.TypeCondition != "" {
					label = "... on " + s.TypeCondition
				}
				walk(s.SelectionSet, append(path[:len(path):len(path)], label), op)
			}
		}
	}
	for _, op := range doc.Operations {
		label := string(op.Operation)
		if op.Name != "" {
			label += " " + op.Name
		}
		walk(op.SelectionSet, []any{label}, op)
	}
	for _, f := range doc.Fragments {
		walk(f.SelectionSet, []any{"fragment " + f.Name}, nil)
	}
	return idx
}

var (
	reUnknownArg   = regexp.MustCompile(`^Unknown argument "([^"]+)" on field "([^"]+)\.([^"]+)"`)
	reRequiredArg  = regexp.MustCompile(`^Field "([^"]+)" argument "([^"]+)" of type`)
	reUndefinedVar = regexp.MustCompile(`^Variable "\$?([^"]+)" is not defined`)
	reUnusedVar    = regexp.MustCompile(`^Variable "\$([^"]+)" is never used`)
	reNoSubfields  = regexp.MustCompile(`^Field "([^"]+)" of type "([^"]+)" must have a selection of subfields`)
	reRootType     = regexp.MustCompile(`^Schema does not support operation type "([^"]+)"`)
	reLeafSel      = regexp.MustCompile(`^Field "([^"]+)" must not have a selection since type "([^"]+)"`)
)

func opLabel(op *ast.OperationDefinition) string {
	if op == nil || op.Name == "" {
		return "anonymous query"
	}
	return op.Name
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// translateValidation rewords gqlparser's validation errors the way GitHub
// (graphql-ruby) reports them, e.g. an unknown field becomes
// "Field 'foo' doesn't exist on type 'User'" with extensions
// {"code":"undefinedField","typeName":"User","fieldName":"foo"} and a path.
// Rules without a translation keep gqlparser's message, with the rule name
// as extensions.code.
func translateValidation(doc *ast.QueryDocument, errs gqlerror.List) []*GraphQLError {
	idx := indexFields(doc)
	var out []*GraphQLError
	missing := map[[2]int]*GraphQLError{} // merges missing-argument errors per field
	for _, e := range errs {
		ge := &GraphQLError{Locations: gqlLocations(e.Locations), Message: e.Message,
			Extensions: map[string]any{"code": lowerFirst(e.Rule)}}
		var pi posInfo
		var key [2]int
		if len(e.Locations) > 0 {
			key = [2]int{e.Locations[0].Line, e.Locations[0].Column}
			pi = idx[key]
			ge.Path = pi.path
		}
		f := pi.field
		switch e.Rule {
		case "FieldsOnCorrectType":
			if f != nil && f.ObjectDefinition != nil && f.ObjectDefinition.Kind == ast.Union {
				ge.Message = fmt.Sprintf("Selections can't be made directly on unions (see selections on %s)", f.ObjectDefinition.Name)
				ge.Extensions = map[string]any{"code": "selectionMismatch", "nodeName": f.ObjectDefinition.Name}
			} else if f != nil && f.ObjectDefinition != nil {
				ge.Message = fmt.Sprintf("Field '%s' doesn't exist on type '%s'", f.Name, f.ObjectDefinition.Name)
				ge.Extensions = map[string]any{"code": "undefinedField", "typeName": f.ObjectDefinition.Name, "fieldName": f.Name}
			}
		case "KnownArgumentNames":
			if m := reUnknownArg.FindStringSubmatch(e.Message); m != nil {
				ge.Message = fmt.Sprintf("Field '%s' doesn't accept argument '%s'", m[3], m[1])
				ge.Extensions = map[string]any{"code": "argumentNotAccepted", "name": m[3], "typeName": "Field", "argumentName": m[1]}
				if ge.Path != nil {
					ge.Path = append(ge.Path[:len(ge.Path):len(ge.Path)], m[1])
				}
			}
		case "ProvidedRequiredArguments":
			if m := reRequiredArg.FindStringSubmatch(e.Message); m != nil {
				if prev := missing[key]; prev != nil {
					args := prev.Extensions["arguments"].(string) + ", " + m[2]
					prev.Extensions["arguments"] = args
					prev.Message = fmt.Sprintf("Field '%s' is missing required arguments: %s", m[1], args)
					continue
				}
				ge.Message = fmt.Sprintf("Field '%s' is missing required arguments: %s", m[1], m[2])
				ge.Extensions = map[string]any{"code": "missingRequiredArguments", "className": "Field", "name": m[1], "arguments": m[2]}
				missing[key] = ge
			}
		case "ScalarLeafs":
			if m := reNoSubfields.FindStringSubmatch(e.Message); m != nil {
				typ := strings.Trim(m[2], "[]!")
				ge.Message = fmt.Sprintf("Field must have selections (field '%s' returns %s but has no selections. Did you mean '%s { ... }'?)", m[1], typ, m[1])
				ge.Extensions = map[string]any{"code": "selectionMismatch", "nodeName": "field '" + m[1] + "'", "typeName": typ}
			} else if m := reLeafSel.FindStringSubmatch(e.Message); m != nil {
				ge.Message = fmt.Sprintf("Selections can't be made on scalars (field '%s' returns %s but has selections)", m[1], m[2])
				ge.Extensions = map[string]any{"code": "selectionMismatch", "nodeName": "field '" + m[1] + "'", "typeName": m[2]}
			}
		case "KnownRootType":
			if m := reRootType.FindStringSubmatch(e.Message); m != nil {
				ge.Message = fmt.Sprintf("Schema is not configured for %ss", m[1])
				ge.Extensions = map[string]any{"code": "missingRootType", "operationName": m[1]}
			}
		case "NoUndefinedVariables":
			if m := reUndefinedVar.FindStringSubmatch(e.Message); m != nil {
				op := pi.op
				if op == nil && len(doc.Operations) == 1 {
					op = doc.Operations[0]
				}
				ge.Message = fmt.Sprintf("Variable $%s is used by %s but not declared", m[1], opLabel(op))
				ge.Extensions = map[string]any{"code": "variableNotDefined", "variableName": m[1]}
			}
		case "NoUnusedVariables":
			if m := reUnusedVar.FindStringSubmatch(e.Message); m != nil {
				var op *ast.OperationDefinition
				for _, o := range doc.Operations {
					if o.VariableDefinitions.ForName(m[1]) != nil {
						op = o
					}
				}
				ge.Message = fmt.Sprintf("Variable $%s is declared by %s but not used", m[1], opLabel(op))
				ge.Extensions = map[string]any{"code": "variableNotUsed", "variableName": m[1]}
				ge.Path = []any{"query"}
			}
		}
		out = append(out, ge)
	}
	return out
}

// ---- cost and pagination limits --------------------------------------------

// costInfo is the static cost of an operation, computed like GitHub's: every
// connection field (a field returning a *Connection with first/last) costs
// one request per parent node that may exist, the total is divided by 100
// and rounded (minimum 1); nodeCount is the largest number of nodes the
// query may return.
type costInfo struct {
	cost      int
	nodeCount int
	requests  int
}

// analyzeCost computes the cost and enforces GitHub's pagination rules:
// first/last required on connections, at most 100, at most 500,000 nodes.
func analyzeCost(doc *ast.QueryDocument, op *ast.OperationDefinition, vars map[string]any) (costInfo, []*GraphQLError) {
	var ci costInfo
	var errs []*GraphQLError
	var walk func(sels ast.SelectionSet, mult int, path []any, depth int)
	walk = func(sels ast.SelectionSet, mult int, path []any, depth int) {
		if depth > 50 {
			return
		}
		for _, sel := range sels {
			switch s := sel.(type) {
			case *ast.Field:
				key := s.Alias
				if key == "" {
					key = s.Name
				}
				p := append(path[:len(path):len(path)], key)
				child := mult
				def := s.Definition
				if def != nil && strings.HasSuffix(def.Type.Name(), "Connection") && def.Arguments.ForName("first") != nil {
					args, _ := argValues(def, s, vars)
					first, hasFirst := argInt(args, "first")
					last, hasLast := argInt(args, "last")
					fail := func(typ, msg string) {
						errs = append(errs, &GraphQLError{Type: typ, Path: p, Locations: fieldLocations(s), Message: msg})
					}
					n := 0
					switch {
					case !hasFirst && !hasLast:
						fail("MISSING_PAGINATION_BOUNDARIES", fmt.Sprintf("You must provide a `first` or `last` value to properly paginate the `%s` connection.", s.Name))
						continue
					case hasFirst && hasLast:
						fail("INVALID_PAGINATION", fmt.Sprintf("Passing both `first` and `last` to paginate the `%s` connection is not supported.", s.Name))
						continue
					case hasFirst:
						n = first
					default:
						n = last
					}
					arg := "first"
					if !hasFirst {
						arg = "last"
					}
					if n > maxPageSize {
						fail("EXCESSIVE_PAGINATION", fmt.Sprintf("Requesting %d records on the `%s` connection exceeds the `%s` limit of %d records.", n, s.Name, arg, maxPageSize))
						continue
					}
					if n < 0 {
						fail("INVALID_PAGINATION", fmt.Sprintf("`%s` on the `%s` connection cannot be less than zero.", arg, s.Name))
						continue
					}
					ci.requests += mult
					ci.nodeCount += mult * n
					child = mult * max(n, 1)
				}
				walk(s.SelectionSet, child, p, depth+1)
			case *ast.InlineFragment:
				walk(s.SelectionSet, mult, path, depth+1)
			case *ast.FragmentSpread:
				if f := doc.Fragments.ForName(s.Name); f != nil {
					walk(f.SelectionSet, mult, path, depth+1)
				}
			}
		}
	}
	walk(op.SelectionSet, 1, nil, 0)
	if len(errs) == 0 && ci.nodeCount > maxNodeLimit {
		errs = append(errs, &GraphQLError{Type: "MAX_NODE_LIMIT_EXCEEDED",
			Message: fmt.Sprintf("This query requests up to %d possible nodes which exceeds the maximum limit of %d.", ci.nodeCount, maxNodeLimit)})
	}
	ci.cost = max(1, int(math.Round(float64(ci.requests)/100)))
	return ci, errs
}

// isDryRun reports whether the operation asks rateLimit(dryRun: true), in
// which case GitHub reports the cost without charging it.
func isDryRun(op *ast.OperationDefinition, vars map[string]any) bool {
	for _, sel := range op.SelectionSet {
		f, ok := sel.(*ast.Field)
		if !ok || f.Name != "rateLimit" || f.Definition == nil {
			continue
		}
		args, _ := argValues(f.Definition, f, vars)
		if argBool(args, "dryRun") {
			return true
		}
	}
	return false
}

package fakegithub

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
)

// A small, generic GraphQL executor over gqlparser's validated AST.
//
// Values flowing through it are plain Go values:
//   - objects are whatever a resolver returns (*account, *Repo, *item, ...)
//     or map[string]any; fields of a type are resolved by
//     resolverMap[typeName][fieldName], and when a type has no resolver for
//     a field and the object is a map[string]any, the map entry of the
//     field's name is used (handy for connections, edges, pageInfo);
//   - abstract types (interfaces, unions) are resolved to a concrete type
//     by the typeOf function;
//   - lists are any Go slice (a nil slice is an empty list);
//   - leaves are Go strings, bools, integers, floats and time.Time
//     (DateTime; the zero time is null).
//
// Errors returned by resolvers become entries of "errors" with the field's
// path and location; a *GraphQLError keeps its Type and Extensions. A null
// in a non-null position nulls the nearest nullable ancestor, as the spec
// requires.

// resolver resolves one field of one object.
type resolver func(rc *resolveCtx, obj any, args map[string]any) (any, error)

// resolverMap maps type name → field name → resolver.
type resolverMap map[string]map[string]resolver

// resolveCtx is what a resolver gets besides its object and arguments.
type resolveCtx struct {
	g     *GitHub
	ex    *executor
	field *ast.Field
	path  []any
	tok   *tokenState
}

// addError records an extra error (e.g. for one entry of a list), at the
// current field's path plus suffix.
func (rc *resolveCtx) addError(ge *GraphQLError, suffix ...any) {
	cp := *ge
	cp.Path = append(append([]any(nil), rc.path...), suffix...)
	cp.Locations = fieldLocations(rc.field)
	rc.ex.errors = append(rc.ex.errors, &cp)
}

// executor runs one operation.
type executor struct {
	g      *GitHub
	schema *ast.Schema
	doc    *ast.QueryDocument
	vars   map[string]any
	res    resolverMap
	typeOf func(any) string
	tok    *tokenState
	cost   costInfo
	dryRun bool
	errors []*GraphQLError
}

// orderedObject is a JSON object that keeps the order of its keys.
type orderedObject struct {
	keys []string
	vals []any
}

func (o *orderedObject) set(k string, v any) {
	o.keys = append(o.keys, k)
	o.vals = append(o.vals, v)
}

// MarshalJSON implements json.Marshaler.
func (o *orderedObject) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := marshalNoEscape(k)
		b.Write(kb)
		b.WriteByte(':')
		vb, err := marshalNoEscape(o.vals[i])
		if err != nil {
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// marshalNoEscape is json.Marshal without HTML escaping, like GitHub.
func marshalNoEscape(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// run executes the operation and returns its data (nil when a null
// propagated to the root).
func (e *executor) run(op *ast.OperationDefinition) any {
	root := e.schema.Query
	obj, ok := e.executeSelectionSet(root, struct{}{}, op.SelectionSet, nil)
	if !ok {
		return nil
	}
	return obj
}

type fieldGroups struct {
	keys   []string
	fields map[string][]*ast.Field
}

// collectFields implements the spec's CollectFields: it flattens fragments
// whose type condition applies to objType, honours @skip/@include, and
// groups fields by response key in document order.
func (e *executor) collectFields(objType *ast.Definition, sels ast.SelectionSet, groups *fieldGroups, visited map[string]bool) {
	for _, sel := range sels {
		switch s := sel.(type) {
		case *ast.Field:
			if !e.included(s.Directives) {
				continue
			}
			key := s.Alias
			if key == "" {
				key = s.Name
			}
			if _, seen := groups.fields[key]; !seen {
				groups.keys = append(groups.keys, key)
			}
			groups.fields[key] = append(groups.fields[key], s)
		case *ast.InlineFragment:
			if !e.included(s.Directives) || !e.typeApplies(objType, s.TypeCondition) {
				continue
			}
			e.collectFields(objType, s.SelectionSet, groups, visited)
		case *ast.FragmentSpread:
			if !e.included(s.Directives) || visited[s.Name] {
				continue
			}
			visited[s.Name] = true
			frag := e.doc.Fragments.ForName(s.Name)
			if frag == nil || !e.typeApplies(objType, frag.TypeCondition) {
				continue
			}
			e.collectFields(objType, frag.SelectionSet, groups, visited)
		}
	}
}

func (e *executor) included(dirs ast.DirectiveList) bool {
	cond := func(d *ast.Directive) bool {
		a := d.Arguments.ForName("if")
		if a == nil {
			return false
		}
		v, err := a.Value.Value(e.vars)
		b, _ := v.(bool)
		return err == nil && b
	}
	if d := dirs.ForName("skip"); d != nil && cond(d) {
		return false
	}
	if d := dirs.ForName("include"); d != nil && !cond(d) {
		return false
	}
	return true
}

// typeApplies reports whether a fragment with type condition cond applies
// to an object of type objType.
func (e *executor) typeApplies(objType *ast.Definition, cond string) bool {
	if cond == "" || cond == objType.Name {
		return true
	}
	for _, t := range e.schema.PossibleTypes[cond] {
		if t.Name == objType.Name {
			return true
		}
	}
	return false
}

// executeSelectionSet resolves the selections on obj of type objType. It
// returns ok=false when a non-null field came back null, meaning the
// object itself must become null.
func (e *executor) executeSelectionSet(objType *ast.Definition, obj any, sels ast.SelectionSet, path []any) (*orderedObject, bool) {
	groups := &fieldGroups{fields: map[string][]*ast.Field{}}
	e.collectFields(objType, sels, groups, map[string]bool{})
	out := &orderedObject{}
	for _, key := range groups.keys {
		v, ok := e.executeField(objType, obj, groups.fields[key], append(path[:len(path):len(path)], key))
		if !ok {
			return nil, false
		}
		out.set(key, v)
	}
	return out, true
}

func fieldLocations(f *ast.Field) []Location {
	if f == nil || f.Position == nil {
		return nil
	}
	return []Location{{Line: f.Position.Line, Column: f.Position.Column}}
}

func (e *executor) fieldError(err error, f *ast.Field, path []any) {
	ge := &GraphQLError{}
	var in *GraphQLError
	if errors.As(err, &in) {
		*ge = *in
	} else {
		ge.Message = err.Error()
	}
	if ge.Path == nil {
		ge.Path = append([]any(nil), path...)
	}
	if ge.Locations == nil {
		ge.Locations = fieldLocations(f)
	}
	e.errors = append(e.errors, ge)
}

func (e *executor) executeField(objType *ast.Definition, obj any, fields []*ast.Field, path []any) (any, bool) {
	f := fields[0]
	if f.Name == "__typename" {
		return objType.Name, true
	}
	if strings.HasPrefix(f.Name, "__") {
		e.fieldError(errors.New("introspection is not supported by the fake GitHub"), f, path)
		return nil, true
	}
	def := objType.Fields.ForName(f.Name)
	if def == nil {
		//lint:ignore ST1005 GitHub's own wording, which clients may match
		e.fieldError(fmt.Errorf("Field '%s' doesn't exist on type '%s'", f.Name, objType.Name), f, path)
		return nil, true
	}
	args, err := argValues(def, f, e.vars)
	var val any
	if err == nil {
		if r := e.res[objType.Name][f.Name]; r != nil {
			val, err = r(&resolveCtx{g: e.g, ex: e, field: f, path: path, tok: e.tok}, obj, args)
		} else if m, ok := obj.(map[string]any); ok {
			val = m[f.Name]
		} else {
			err = fmt.Errorf("%s.%s is in the schema but not implemented by the fake GitHub", objType.Name, f.Name)
		}
	}
	if err != nil {
		e.fieldError(err, f, path)
		return nil, !def.Type.NonNull
	}
	return e.completeValue(def.Type, objType.Name+"."+f.Name, fields, val, path)
}

func isNull(v any) bool {
	if v == nil {
		return true
	}
	if t, ok := v.(time.Time); ok {
		return t.IsZero()
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Interface, reflect.Func:
		return rv.IsNil()
	}
	return false
}

// completeValue turns a resolved value into its response form according to
// the field type t.
func (e *executor) completeValue(t *ast.Type, where string, fields []*ast.Field, v any, path []any) (any, bool) {
	if isNull(v) {
		if t.NonNull {
			//lint:ignore ST1005 GitHub's own wording, which clients may match
			e.fieldError(fmt.Errorf("Cannot return null for non-nullable field %s", where), fields[0], path)
			return nil, false
		}
		return nil, true
	}
	if t.Elem != nil {
		rv := reflect.ValueOf(v)
		if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
			e.fieldError(fmt.Errorf("internal error: %s resolved to %T, not a list", where, v), fields[0], path)
			return nil, !t.NonNull
		}
		out := make([]any, rv.Len())
		for i := range rv.Len() {
			item, ok := e.completeValue(t.Elem, where, fields, rv.Index(i).Interface(), append(path[:len(path):len(path)], i))
			if !ok {
				return nil, !t.NonNull
			}
			out[i] = item
		}
		return out, true
	}
	def := e.schema.Types[t.NamedType]
	switch def.Kind {
	case ast.Scalar, ast.Enum:
		out, err := serializeLeaf(def, v)
		if err != nil {
			e.fieldError(fmt.Errorf("internal error: %s: %v", where, err), fields[0], path)
			return nil, !t.NonNull
		}
		return out, true
	case ast.Interface, ast.Union:
		name := e.typeOf(v)
		concrete := e.schema.Types[name]
		if concrete == nil || !e.typeApplies(concrete, def.Name) {
			e.fieldError(fmt.Errorf("internal error: %s resolved to %T (%q), not a %s", where, v, name, def.Name), fields[0], path)
			return nil, !t.NonNull
		}
		def = concrete
	}
	var sels ast.SelectionSet
	for _, f := range fields {
		sels = append(sels, f.SelectionSet...)
	}
	obj, ok := e.executeSelectionSet(def, v, sels, path)
	if !ok {
		return nil, !t.NonNull
	}
	return obj, true
}

// serializeLeaf converts a Go value to a scalar or enum response value.
func serializeLeaf(def *ast.Definition, v any) (any, error) {
	switch def.Name {
	case "Int":
		n, ok := toInt64(v)
		if !ok || n > math.MaxInt32 || n < math.MinInt32 {
			return nil, fmt.Errorf("cannot serialize %T %v as Int", v, v)
		}
		return n, nil
	case "Float":
		switch x := v.(type) {
		case float64:
			return x, nil
		case float32:
			return float64(x), nil
		}
		if n, ok := toInt64(v); ok {
			return float64(n), nil
		}
		return nil, fmt.Errorf("cannot serialize %T as Float", v)
	case "Boolean":
		b, ok := v.(bool)
		if !ok {
			return nil, fmt.Errorf("cannot serialize %T as Boolean", v)
		}
		return b, nil
	case "DateTime", "PreciseDateTime", "GitTimestamp":
		if t, ok := v.(time.Time); ok {
			return ts(t), nil
		}
	case "Date":
		if t, ok := v.(time.Time); ok {
			return t.UTC().Format("2006-01-02"), nil
		}
	}
	switch x := v.(type) {
	case string:
		return x, nil
	case fmt.Stringer:
		return x.String(), nil
	}
	if n, ok := toInt64(v); ok && (def.Name == "ID" || def.Name == "BigInt") {
		return fmt.Sprint(n), nil
	}
	return nil, fmt.Errorf("cannot serialize %T as %s", v, def.Name)
}

func toInt64(v any) (int64, bool) {
	switch x := v.(type) {
	case int:
		return int64(x), true
	case int32:
		return int64(x), true
	case int64:
		return x, true
	case float64:
		if x == math.Trunc(x) {
			return int64(x), true
		}
	case json.Number:
		n, err := x.Int64()
		return n, err == nil
	}
	return 0, false
}

// argValues computes a field's arguments: literals, variables (already
// coerced), then argument defaults.
func argValues(def *ast.FieldDefinition, f *ast.Field, vars map[string]any) (map[string]any, error) {
	out := map[string]any{}
	for _, ad := range def.Arguments {
		if a := f.Arguments.ForName(ad.Name); a != nil {
			if a.Value.Kind == ast.Variable {
				if v, ok := vars[a.Value.Raw]; ok {
					out[ad.Name] = v
					continue
				}
			} else {
				v, err := a.Value.Value(vars)
				if err != nil {
					return nil, err
				}
				out[ad.Name] = v
				continue
			}
		}
		if ad.DefaultValue != nil {
			v, err := ad.DefaultValue.Value(nil)
			if err != nil {
				return nil, err
			}
			out[ad.Name] = v
		}
	}
	return out, nil
}

// argInt returns an integer argument and whether it was given (non-null).
func argInt(args map[string]any, name string) (int, bool) {
	n, ok := toInt64(args[name])
	return int(n), ok
}

// argString returns a string argument ("" when absent or null).
func argString(args map[string]any, name string) string {
	s, _ := args[name].(string)
	return s
}

// argBool returns a boolean argument (false when absent or null).
func argBool(args map[string]any, name string) bool {
	b, _ := args[name].(bool)
	return b
}

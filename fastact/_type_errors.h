/* _type_errors.h - clearer TypeErrors for the fastact ufuncs.
 *
 * NumPy's message for an input type without a loop ("ufunc 'sigmoid' not
 * supported for the input types ...") does not say which dtype was wrong.  Each
 * fastact ufunc gets a type resolver that defers to NumPy's own and, when that
 * finds no loop, raises a TypeError naming the offending dtypes, the same text
 * the NumPy fallback uses, or, when the input alone has a loop, naming the
 * dtype= / signature= that was asked for. */
#include <Python.h>
#include <numpy/ndarraytypes.h>
#include <numpy/ufuncobject.h>

static PyUFunc_TypeResolutionFunc *fa_numpy_resolver = NULL;

#define FA_MAX_NARGS 8 /* fastact's ufuncs have at most 4 inputs and 2 outputs */

/* Appends str(obj) to the list `names` (None as "any"), unless `unique` and it
 * is there already.  -1 with an exception set on failure. */
static int fa_add_name(PyObject *names, PyObject *obj, int unique)
{
    PyObject *s = obj == Py_None ? PyUnicode_FromString("any") : PyObject_Str(obj);
    if (!s)
        return -1;
    const int seen = unique ? PySequence_Contains(names, s) : 0;
    const int r = seen < 0 ? -1 : seen ? 0 : PyList_Append(names, s);
    Py_DECREF(s);
    return r;
}

/* ", ".join(names), consuming the reference to `names` (which may be NULL). */
static PyObject *fa_join(PyObject *names)
{
    if (!names)
        return NULL;
    PyObject *sep = PyUnicode_FromString(", ");
    PyObject *joined = sep ? PyUnicode_Join(sep, names) : NULL;
    Py_XDECREF(sep);
    Py_DECREF(names);
    return joined;
}

/* The input dtypes NumPy found no loop for, from its exception (it carries
 * them) or from the operands; consumes the pending exception. */
static PyObject *fa_input_names(PyUFuncObject *ufunc, PyArrayObject **operands)
{
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    PyObject *dtypes = value ? PyObject_GetAttrString(value, "dtypes") : NULL;
    if (!dtypes)
        PyErr_Clear();
    PyObject *names = PyList_New(0);
    for (int i = 0; names && i < ufunc->nin; i++) {
        PyObject *d = NULL;
        if (dtypes && PyTuple_Check(dtypes) && i < PyTuple_GET_SIZE(dtypes))
            d = PyTuple_GET_ITEM(dtypes, i);
        else if (operands && operands[i])
            d = (PyObject *)PyArray_DESCR(operands[i]);
        if (d && d != Py_None && fa_add_name(names, d, 1) < 0)
            Py_CLEAR(names);
    }
    Py_XDECREF(dtypes);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    return fa_join(names);
}

/* Whether NumPy finds a loop for these operands when no dtype= / signature= is
 * requested: if so, what failed was the request, not the input. */
static int fa_loop_without_request(PyUFuncObject *ufunc, NPY_CASTING casting,
                                   PyArrayObject **operands)
{
    PyArray_Descr *dtypes[FA_MAX_NARGS] = {NULL};
    if (ufunc->nargs > FA_MAX_NARGS)
        return 0;
    const int r = fa_numpy_resolver(ufunc, casting, operands, NULL, dtypes);
    for (int i = 0; i < ufunc->nargs; i++)
        Py_XDECREF(dtypes[i]);
    if (r < 0)
        PyErr_Clear();
    return r >= 0;
}

/* The TypeError for a dtype= / signature= without a loop, naming what was
 * asked.  NumPy hands the request over as a tuple of a dtype or None per
 * operand (dtype= fills the outputs). */
static int fa_request_error(PyUFuncObject *ufunc, PyObject *type_tup)
{
    const Py_ssize_t nin = ufunc->nin, nargs = ufunc->nargs;
    if (!PyTuple_Check(type_tup) || PyTuple_GET_SIZE(type_tup) != nargs) {
        PyErr_Format(PyExc_TypeError,
                     "fastact.%s: no loop for the requested signature %R (results are float16, "
                     "float32 or float64)", ufunc->name, type_tup);
        return -1;
    }
    int inputs_given = 0;
    for (Py_ssize_t i = 0; i < nin; i++)
        inputs_given |= PyTuple_GET_ITEM(type_tup, i) != Py_None;
    /* the whole signature if it names inputs, else the output dtype(s) */
    PyObject *names = PyList_New(0);
    for (Py_ssize_t i = inputs_given ? 0 : nin; names && i < nargs; i++)
        if (fa_add_name(names, PyTuple_GET_ITEM(type_tup, i), !inputs_given) < 0)
            Py_CLEAR(names);
    PyObject *joined = fa_join(names);
    if (!joined)
        return -1;
    if (inputs_given)
        PyErr_Format(PyExc_TypeError,
                     "fastact.%s: no loop for the requested signature (%U): inputs are real "
                     "floating, integer or boolean, results float16, float32 or float64",
                     ufunc->name, joined);
    else
        PyErr_Format(PyExc_TypeError,
                     "fastact.%s: the requested output dtype %U is not supported (results are "
                     "float16, float32 or float64)", ufunc->name, joined);
    Py_DECREF(joined);
    return -1;
}

static int fa_type_resolver(PyUFuncObject *ufunc, NPY_CASTING casting, PyArrayObject **operands,
                            PyObject *type_tup, PyArray_Descr **out_dtypes)
{
    int r = fa_numpy_resolver(ufunc, casting, operands, type_tup, out_dtypes);
    if (r >= 0 || !PyErr_ExceptionMatches(PyExc_TypeError))
        return r;
    if (type_tup && type_tup != Py_None) {
        PyObject *type, *value, *tb;
        PyErr_Fetch(&type, &value, &tb);
        const int request_at_fault = fa_loop_without_request(ufunc, casting, operands);
        PyErr_Restore(type, value, tb);
        if (request_at_fault) {
            PyErr_Clear();
            return fa_request_error(ufunc, type_tup);
        }
    }
    PyObject *joined = fa_input_names(ufunc, operands);
    if (!joined)
        return -1;
    PyErr_Format(PyExc_TypeError,
                 "fastact.%s: unsupported dtype %U (expected real floating, integer or "
                 "boolean input)", ufunc->name, joined);
    Py_DECREF(joined);
    return -1;
}

static int fa_install_type_resolver(PyObject *obj)
{
    PyUFuncObject *ufunc = (PyUFuncObject *)obj;
    if (!fa_numpy_resolver)
        fa_numpy_resolver = ufunc->type_resolver;
    if (!fa_numpy_resolver)
        return -1;
    ufunc->type_resolver = &fa_type_resolver;
    return 0;
}

/* _type_errors.h - clearer TypeErrors for the fastact ufuncs.
 *
 * NumPy's message for an input type without a loop ("ufunc 'sigmoid' not
 * supported for the input types ...") does not say which dtype was wrong.  Each
 * fastact ufunc gets a type resolver that defers to NumPy's own and, when that
 * finds no loop, raises a TypeError naming the offending dtypes, the same text
 * the NumPy fallback uses. */
#include <Python.h>
#include <numpy/ndarraytypes.h>
#include <numpy/ufuncobject.h>

static PyUFunc_TypeResolutionFunc *fa_numpy_resolver = NULL;

static int fa_type_resolver(PyUFuncObject *ufunc, NPY_CASTING casting, PyArrayObject **operands,
                            PyObject *type_tup, PyArray_Descr **out_dtypes)
{
    int r = fa_numpy_resolver(ufunc, casting, operands, type_tup, out_dtypes);
    if (r >= 0 || !PyErr_ExceptionMatches(PyExc_TypeError))
        return r;
    /* The dtypes, from NumPy's exception (it carries them) or the operands. */
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    PyObject *names = PyList_New(0);
    PyObject *dtypes = value ? PyObject_GetAttrString(value, "dtypes") : NULL;
    if (!dtypes)
        PyErr_Clear();
    for (int i = 0; names && i < ufunc->nin; i++) {
        PyObject *d = NULL;
        if (dtypes && PyTuple_Check(dtypes) && i < PyTuple_GET_SIZE(dtypes)) {
            d = PyTuple_GET_ITEM(dtypes, i);
            Py_INCREF(d);
        } else if (operands && operands[i]) {
            d = (PyObject *)PyArray_DESCR(operands[i]);
            Py_INCREF(d);
        }
        PyObject *s = (d && d != Py_None) ? PyObject_Str(d) : NULL;
        if (s && PySequence_Contains(names, s) == 0)
            PyList_Append(names, s);
        Py_XDECREF(s);
        Py_XDECREF(d);
    }
    Py_XDECREF(dtypes);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    if (!names)
        return -1;
    PyObject *sep = PyUnicode_FromString(", ");
    PyObject *joined = sep ? PyUnicode_Join(sep, names) : NULL;
    Py_XDECREF(sep);
    Py_DECREF(names);
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

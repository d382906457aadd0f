"""PyTorch modules of a method's mappings, built from ``method.json`` and loaded with a run's weights."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Mapping, Optional

import numpy as np

# recombine's closed layer registry (Sources/RecombineMethod/Compiler/LayerRegistry.swift): every
# type takes torch's keyword arguments under torch's names.
SUPPORTED_LAYERS = (
    "Linear", "Conv1d", "Conv2d", "ConvTranspose2d", "MaxPool1d", "MaxPool2d", "AvgPool1d", "AvgPool2d",
    "AdaptiveAvgPool2d", "Upsample", "BatchNorm1d", "BatchNorm2d", "LayerNorm", "Dropout", "Flatten", "Unflatten",
    "Identity", "ReLU", "LeakyReLU", "ELU", "SELU", "CELU", "GELU", "Sigmoid", "Tanh", "Softplus", "Softmax",
    "LogSoftmax", "Hardtanh",
)

# Arguments recombine accepts for compatibility but does not act on: `inplace` (recombine never works
# in place) and pooling's `return_indices` (recombine returns the values only).
_IGNORED_ARGUMENTS = {"inplace", "return_indices"}
# One-dimensional layers take the first element of a pair, as recombine does.
_ONE_DIMENSIONAL = {"Conv1d", "MaxPool1d", "AvgPool1d"}
_PAIR_ARGUMENTS = {"kernel_size", "stride", "padding", "dilation", "output_size", "size", "output_padding"}

# recombine's functions for pre- and post-processing (FunctionRegistry) with the arguments each reads;
# method.json lists every default of the schema under every function, so only these are passed on.
_FUNCTION_ARGUMENTS = {
    "normalize": {"p": 2.0, "dim": 1, "eps": 1e-12},
    "softmax": {"dim": None},
    "log_softmax": {"dim": None},
    "relu": {},
    "sigmoid": {},
    "tanh": {},
    "leaky_relu": {"negative_slope": 0.01},
    "elu": {"alpha": 1.0},
    "gelu": {},
    "softplus": {"beta": 1.0, "threshold": 20.0},
    "flatten": {"start_dim": 0, "end_dim": -1},
}


def _torch():
    try:
        import torch
    except ImportError:
        raise ImportError("Run.load_mapping needs PyTorch (pip install torch)") from None
    return torch


def _layer(spec: Mapping[str, Any], where: str):
    torch = _torch()
    kind = spec.get("type")
    if kind not in SUPPORTED_LAYERS:
        raise NotImplementedError(f"{where}: layer type {kind!r} is not supported (supported: {', '.join(SUPPORTED_LAYERS)})")
    arguments = {k: v for k, v in spec.items() if k not in ("type", "name") and k not in _IGNORED_ARGUMENTS}
    for key, value in list(arguments.items()):
        if isinstance(value, list):
            if kind in _ONE_DIMENSIONAL and key in _PAIR_ARGUMENTS:
                arguments[key] = value[0]
            else:
                arguments[key] = tuple(value)
    if kind == "Upsample" and isinstance(arguments.get("scale_factor"), tuple):
        arguments["scale_factor"] = tuple(float(s) for s in arguments["scale_factor"])
    return getattr(torch.nn, kind)(**arguments)


def _function(spec: Mapping[str, Any], where: str) -> Callable:
    torch = _torch()
    name = spec.get("function_name")
    if name not in _FUNCTION_ARGUMENTS:
        raise NotImplementedError(f"{where}: function {name!r} is not supported (supported: {', '.join(_FUNCTION_ARGUMENTS)})")
    arguments = {key: spec.get(key, default) for key, default in _FUNCTION_ARGUMENTS[name].items()}
    if name == "flatten":
        return lambda x: torch.flatten(x, **arguments)
    function = getattr(torch.nn.functional, name)
    return lambda x: function(x, **arguments)


def _module_class():
    torch = _torch()

    class RecombineMapping(torch.nn.Module):
        """A recombine mapping: prior mapping (if any), pre-processing functions, ``net``, post-processing."""

        def __init__(self, name: str, kind: str, net, pre: List[Callable], post: List[Callable],
                     softmax_index: Optional[int], prior=None):
            super().__init__()
            self.name, self.kind = name, kind
            self.prior = prior
            self.net = net
            self._pre, self._post, self._softmax_index = pre, post, softmax_index

        def _apply_own(self, x, logits: bool):
            for f in self._pre:
                x = f(x)
            for index, layer in enumerate(self.net):
                if logits and index == self._softmax_index:
                    continue
                x = layer(x)
            for f in self._post:
                x = f(x)
            return x

        def forward(self, x):
            """The mapping's output for a batch ``x`` (after the prior mapping, if any)."""
            return self._apply_own(self.prior(x) if self.prior is not None else x, logits=False)

        def logits(self, x):
            """The output without the ``softmax_layer_name`` layer (recombine's logits)."""
            return self._apply_own(self.prior(x) if self.prior is not None else x, logits=True)

        def extra_repr(self) -> str:
            return f"name={self.name!r}, kind={self.kind!r}"

    return RecombineMapping


def _mapping_name(spec: Mapping[str, Any]) -> str:
    # recombine names an unnamed mapping after its type.
    return spec.get("name") or spec.get("type", "design_pattern_specific")


def build_mapping(method: Mapping[str, Any], name: str, weights: Optional[Mapping[str, np.ndarray]] = None,
                  _seen: tuple = ()):
    """Build mapping ``name`` of ``method`` as a ``torch.nn.Module`` in evaluation mode.

    Parameters
    ----------
    method : mapping
        A method (``method.json`` of a run).
    name : str
        The mapping's name.
    weights : mapping of str to numpy.ndarray, optional
        ``final.safetensors``' tensors; the mapping's are ``mapping/<name>/<state-dict key>``. Every
        parameter and buffer must be present. Without weights the module keeps torch's initialisation.

    Returns
    -------
    torch.nn.Module

    Raises
    ------
    KeyError
        When ``method`` has no mapping ``name``, or ``weights`` lack one of its tensors.
    NotImplementedError
        For a layer type or function that is not supported (named in the message).
    ValueError
        When prior mappings form a cycle.
    """
    torch = _torch()
    mappings = method.get("mappings", [])
    index = next((i for i, m in enumerate(mappings) if _mapping_name(m) == name), None)
    if index is None:
        raise KeyError(f"the method has no mapping named {name!r} (it has {', '.join(repr(_mapping_name(m)) for m in mappings)})")
    if name in _seen:
        raise ValueError(f"prior mappings form a cycle: {' -> '.join(_seen + (name,))}")
    spec = mappings[index]
    where = f"/mappings/{index}"
    layers = [_layer(layer, f"{where}/layers/{i}") for i, layer in enumerate(spec.get("layers", []))]
    softmax_name = spec.get("softmax_layer_name")
    softmax_index = next((i for i, l in enumerate(spec.get("layers", [])) if softmax_name is not None and l.get("name") == softmax_name), None)
    pre = [_function(f, f"{where}/pre_processing_functions/{i}") for i, f in enumerate(spec.get("pre_processing_functions", []))]
    post = [_function(f, f"{where}/post_processing_functions/{i}") for i, f in enumerate(spec.get("post_processing_functions", []))]
    prior_name = spec.get("prior_mapping_name")
    prior = build_mapping(method, prior_name, weights, _seen + (name,)) if prior_name else None
    module = _module_class()(name, spec.get("type", "design_pattern_specific"), torch.nn.Sequential(*layers), pre, post, softmax_index, prior)
    if weights is not None:
        prefix = f"mapping/{name}/"
        state = module.net.state_dict()
        missing = [key for key in state if prefix + "net." + key not in weights]
        unexpected = [key for key in weights if key.startswith(prefix) and key[len(prefix) + 4 :] not in state]
        if missing or unexpected:
            raise KeyError(f"mapping {name!r} built from method.json does not match the run's weights: "
                           f"missing {', '.join(prefix + 'net.' + k for k in missing) or 'nothing'}, "
                           f"unexpected {', '.join(unexpected) or 'nothing'}")
        module.net.load_state_dict({key: torch.from_numpy(np.ascontiguousarray(weights[prefix + "net." + key])).to(state[key].dtype)
                                    for key in state})
    return module.eval()

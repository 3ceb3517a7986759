//! Saving and loading a model's parameters as
//! [safetensors](https://github.com/huggingface/safetensors) files (the
//! format PyTorch's `safetensors.torch.save_file` writes: a JSON header of
//! names, dtypes and shapes, then raw little-endian `F32` data).
//!
//! Parameters are named by [`Module::named_parameters`](crate::nn::Module::named_parameters) (`"0.weight"`,
//! `"layers.1.bias"`, …), so a model saved from one `Sequential` loads into
//! another built the same way, e.g. a pretrained body for transfer learning.
//! Only parameters are saved: batch norm's running statistics are not (use
//! `BatchNorm2d::running_mean`/`set_running_stats` to carry them).
//!
//! ```no_run
//! use nma_engine::prelude::*;
//! let model = Mlp::new(&[2, 8, 1], Activation::Relu, 0);
//! nma_engine::io::save("model.safetensors", &model).unwrap();
//! let other = Mlp::new(&[2, 8, 1], Activation::Relu, 1);
//! nma_engine::io::load("model.safetensors", &other).unwrap();
//! ```

use std::collections::HashMap;
use std::io::{Error, ErrorKind};
use std::path::Path;

use safetensors::tensor::{Dtype, SafeTensors, TensorView};

use crate::nn::Module;
use crate::tensor::Tensor;

fn invalid(message: String) -> Error {
    Error::new(ErrorKind::InvalidData, message)
}

/// Named tensors as safetensors bytes (`F32`, in the given order).
pub fn to_bytes(tensors: &[(String, Tensor)]) -> Result<Vec<u8>, Error> {
    let data: Vec<(String, Vec<usize>, Vec<u8>)> = tensors
        .iter()
        .map(|(name, t)| {
            let bytes = t.to_vec().iter().flat_map(|v| v.to_le_bytes()).collect();
            (name.clone(), t.shape(), bytes)
        })
        .collect();
    let mut views = Vec::with_capacity(data.len());
    for (name, shape, bytes) in &data {
        let view = TensorView::new(Dtype::F32, shape.clone(), bytes)
            .map_err(|e| invalid(format!("cannot store {name}: {e:?}")))?;
        views.push((name.clone(), view));
    }
    safetensors::serialize(views, &None).map_err(|e| invalid(format!("{e:?}")))
}

/// Every tensor of safetensors bytes with its name (sorted by name). Only
/// `F32` data is supported.
pub fn from_bytes(bytes: &[u8]) -> Result<Vec<(String, Tensor)>, Error> {
    let file = SafeTensors::deserialize(bytes)
        .map_err(|e| invalid(format!("not a safetensors file: {e:?}")))?;
    let mut out = Vec::new();
    for (name, view) in file.tensors() {
        if view.dtype() != Dtype::F32 {
            return Err(invalid(format!(
                "{name} has dtype {:?}; only F32 tensors can be loaded",
                view.dtype()
            )));
        }
        let values = view
            .data()
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        out.push((name, Tensor::from_vec(values, view.shape())));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// Writes named tensors to a safetensors file.
pub fn save_tensors(path: impl AsRef<Path>, tensors: &[(String, Tensor)]) -> Result<(), Error> {
    std::fs::write(path, to_bytes(tensors)?)
}

/// Reads every tensor of a safetensors file.
pub fn load_tensors(path: impl AsRef<Path>) -> Result<Vec<(String, Tensor)>, Error> {
    from_bytes(&std::fs::read(path)?)
}

/// Saves `model`'s [named parameters](Module::named_parameters) to a safetensors file.
pub fn save(path: impl AsRef<Path>, model: &dyn Module) -> Result<(), Error> {
    save_tensors(path, &model.named_parameters())
}

/// Loads a file written by [`save`] into `model`'s parameters, in place
/// (like PyTorch's `load_state_dict(strict=True)`): every parameter must be
/// in the file with the same shape, and the file must hold nothing else.
/// On an error nothing is changed.
pub fn load(path: impl AsRef<Path>, model: &dyn Module) -> Result<(), Error> {
    load_named(&load_tensors(path)?, model)
}

/// [`load`] from tensors already read (e.g. with [`from_bytes`]).
pub fn load_named(tensors: &[(String, Tensor)], model: &dyn Module) -> Result<(), Error> {
    let mut by_name: HashMap<&str, &Tensor> =
        tensors.iter().map(|(n, t)| (n.as_str(), t)).collect();
    let params = model.named_parameters();
    let mut updates = Vec::with_capacity(params.len());
    for (name, p) in &params {
        let Some(t) = by_name.remove(name.as_str()) else {
            return Err(invalid(format!(
                "the file has no tensor named {name:?} (shape {:?})",
                p.shape()
            )));
        };
        if t.shape() != p.shape() {
            return Err(invalid(format!(
                "{name:?} has shape {:?} in the file, but the model's parameter has shape {:?}",
                t.shape(),
                p.shape()
            )));
        }
        updates.push((p, t));
    }
    if let Some(extra) = by_name.keys().min() {
        return Err(invalid(format!(
            "the file has a tensor {extra:?} that the model does not have"
        )));
    }
    for (p, t) in updates {
        p.set_data(t);
    }
    Ok(())
}

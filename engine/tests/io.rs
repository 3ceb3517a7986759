//! Saving and loading parameters as safetensors.

use nma_engine::io;
use nma_engine::prelude::*;

fn temp(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("nma-io-{}-{name}.safetensors", std::process::id()))
}

fn cnn(seed: u64) -> Sequential {
    Sequential::default()
        .add(Conv2d::new(1, 4, 3, seed).padding(1))
        .add(BatchNorm2d::new(4))
        .add(nn::ReLU)
        .add(Flatten::default())
        .add(Linear::new(4 * 5 * 5, 3, seed + 1))
}

#[test]
fn a_saved_model_loads_into_a_fresh_one() {
    let a = cnn(0);
    let b = cnn(10);
    let path = temp("roundtrip");
    io::save(&path, &a).unwrap();
    let x = Tensor::randn(&[2, 1, 5, 5], 3);
    assert_ne!(a.forward(&x).to_vec(), b.forward(&x).to_vec());
    io::load(&path, &b).unwrap();
    for ((na, pa), (nb, pb)) in a.named_parameters().iter().zip(b.named_parameters()) {
        assert_eq!(na, &nb);
        assert_eq!(pa.to_vec(), pb.to_vec());
    }
    assert_eq!(a.forward(&x).to_vec(), b.forward(&x).to_vec());
    let names: Vec<String> = io::load_tensors(&path)
        .unwrap()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(
        names,
        ["0.bias", "0.weight", "1.bias", "1.weight", "4.bias", "4.weight"]
    );
    std::fs::remove_file(&path).ok();
}

#[test]
fn the_file_is_standard_safetensors() {
    // Header: 8-byte little-endian length, then JSON with dtype/shape/offsets.
    let t = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]);
    let bytes = io::to_bytes(&[("w".to_string(), t)]).unwrap();
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header = std::str::from_utf8(&bytes[8..8 + n]).unwrap();
    assert!(
        header.contains(r#""w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}"#),
        "{header}"
    );
    assert_eq!(&bytes[8 + n..8 + n + 4], &1.0f32.to_le_bytes());
    let back = io::from_bytes(&bytes).unwrap();
    assert_eq!(back[0].1.shape(), vec![2, 3]);
    assert_eq!(back[0].1.to_vec(), vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
}

#[test]
fn mismatches_are_errors_and_change_nothing() {
    let small = Mlp::new(&[2, 4, 1], Activation::Relu, 0);
    let wide = Mlp::new(&[2, 5, 1], Activation::Relu, 1);
    let before: Vec<Vec<f32>> = wide.parameters().iter().map(Tensor::to_vec).collect();
    let bytes = io::to_bytes(&small.named_parameters()).unwrap();
    let err = io::load_named(&io::from_bytes(&bytes).unwrap(), &wide).unwrap_err();
    assert!(err.to_string().contains("layers.0.weight"), "{err}");
    let after: Vec<Vec<f32>> = wide.parameters().iter().map(Tensor::to_vec).collect();
    assert_eq!(before, after);
    let deep = Mlp::new(&[2, 4, 1, 1], Activation::Relu, 0);
    let err = io::load_named(&io::from_bytes(&bytes).unwrap(), &deep).unwrap_err();
    assert!(
        err.to_string()
            .contains("no tensor named \"layers.2.weight\""),
        "{err}"
    );
    let err = io::load_named(
        &io::from_bytes(&io::to_bytes(&deep.named_parameters()).unwrap()).unwrap(),
        &small,
    )
    .unwrap_err();
    assert!(err.to_string().contains("does not have"), "{err}");
    assert!(io::from_bytes(b"not a file").is_err());
}

#[test]
fn default_names_number_the_parameters() {
    struct Two(Tensor, Tensor);
    impl Module for Two {
        fn forward(&self, x: &Tensor) -> Tensor {
            x.mul(&self.0).add(&self.1)
        }
        fn parameters(&self) -> Vec<Tensor> {
            vec![self.0.clone(), self.1.clone()]
        }
    }
    let m = Two(
        Tensor::ones(&[1]).requires_grad(),
        Tensor::zeros(&[1]).requires_grad(),
    );
    let names: Vec<String> = m.named_parameters().into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["0", "1"]);
    let seq = Sequential::default().add(m).add(Linear::new(1, 1, 0));
    let names: Vec<String> = seq.named_parameters().into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["0.0", "0.1", "1.weight", "1.bias"]);
}

use super::*;

fn leaves(n: usize) -> Vec<NodeHash> {
    (0..n)
        .map(|i| leaf(&serde_json::json!({ "i": i })).unwrap())
        .collect()
}

/// MTH of RFC 9162 §2.1.1, written as the RFC states it.
fn rfc_root(leaves: &[NodeHash]) -> NodeHash {
    if leaves.len() == 1 {
        return leaves[0];
    }
    // The largest power of two strictly below n.
    let mut k = 1;
    while k * 2 < leaves.len() {
        k *= 2;
    }
    inner(&rfc_root(&leaves[..k]), &rfc_root(&leaves[k..]))
}

#[test]
fn the_tree_is_the_rfc_9162_tree_and_every_proof_leads_to_its_root() {
    for n in 1..=70 {
        let leaves = leaves(n);
        let tree = Tree::new(leaves.clone()).unwrap();
        assert_eq!(tree.root(), rfc_root(&leaves), "size {n}");
        for (i, l) in leaves.iter().enumerate() {
            let proof = tree.proof(i);
            assert_eq!(proof.root(*l), Ok(tree.root()), "size {n}, index {i}");
        }
    }
}

#[test]
fn a_proof_fits_one_leaf_one_place_one_size() {
    let leaves = leaves(13);
    let tree = Tree::new(leaves.clone()).unwrap();
    let proof = tree.proof(5);
    // Another leaf, another index or another size leads elsewhere or nowhere.
    assert_ne!(proof.root(leaves[4]), Ok(tree.root()));
    for index in [4, 6] {
        let moved = BatchProof {
            index,
            ..proof.clone()
        };
        assert_ne!(moved.root(leaves[5]), Ok(tree.root()));
    }
    // A size with another shape leads nowhere; a size of the same shape
    // leads to the same root, but the size is in the signed header (law
    // 2), so the seal differs.
    for size in [5, 6, 7] {
        let resized = BatchProof {
            size,
            ..proof.clone()
        };
        assert!(resized.root(leaves[5]).is_err(), "size {size}");
    }
    // Paths of the wrong length are refused outright.
    let mut long = proof.clone();
    long.path.push(leaves[0]);
    assert!(
        long.root(leaves[5])
            .unwrap_err()
            .to_string()
            .contains("longer")
    );
    let mut short = proof.clone();
    short.path.pop();
    assert!(
        short
            .root(leaves[5])
            .unwrap_err()
            .to_string()
            .contains("shorter")
    );
    // A tampered node changes the root.
    let mut tampered = proof;
    tampered.path[0].0[0] ^= 1;
    assert_ne!(tampered.root(leaves[5]), Ok(tree.root()));
}

#[test]
fn sizes_and_indexes_are_bounded() {
    let l = leaves(1)[0];
    for (size, index) in [(0, 0), (1, 1), (MAX_BATCH + 1, 0)] {
        let proof = BatchProof {
            size,
            index,
            path: Vec::new(),
        };
        assert!(proof.root(l).is_err(), "size {size} index {index}");
    }
    assert_eq!(BatchProof::single().root(l), Ok(l));
    assert!(Tree::new(Vec::new()).is_err());
}

#[test]
fn a_leaf_never_passes_for_a_node() {
    // The two leaves of a tree of two, hashed as a node, are its root; the
    // same 64 bytes given as an entry hash to something else (prefix 0x00).
    let leaves = leaves(2);
    let tree = Tree::new(leaves.clone()).unwrap();
    let mut joined = leaves[0].0.to_vec();
    joined.extend_from_slice(&leaves[1].0);
    let mut hasher = Sha256::new();
    hasher.update([0u8]);
    hasher.update(&joined);
    assert_ne!(NodeHash(hasher.finalize().into()), tree.root());
}

#[test]
fn seals_are_verified_once_per_batch() {
    #[derive(Serialize)]
    struct Header {
        root: String,
        size: u64,
        #[serde(rename = "type")]
        record_type: &'static str,
        v: u32,
    }
    let key = SigningKey::generate();
    let tree = Tree::new(leaves(3)).unwrap();
    let header = |root: NodeHash| Header {
        root: root_hex(root),
        size: 3,
        record_type: "liaison-test-batch",
        v: 2,
    };
    let signature = sign(&header(tree.root()), &key).unwrap();
    let bytes = header_bytes(&header(tree.root())).unwrap();
    assert_eq!(
        String::from_utf8(bytes.clone()).unwrap(),
        format!(
            r#"{{"root":"{}","size":3,"type":"liaison-test-batch","v":2}}"#,
            hex(&tree.root().0)
        )
    );
    let good = Seal::new("test", "cert-a", bytes.clone(), signature);
    let other_root = Seal::new(
        "test",
        "cert-a",
        header_bytes(&header(leaves(1)[0])).unwrap(),
        signature,
    );
    let seals = [good.clone(), good.clone(), other_root.clone()];
    let verdicts = verify_seals(&seals, &key.public_key());
    assert_eq!(verdicts.len(), 2, "one verdict per distinct seal");
    assert_eq!(verdicts[&good], Ok(()));
    assert!(matches!(
        verdicts[&other_root],
        Err(RecordError::BadSignature { .. })
    ));
    assert!(
        good.verify(&SigningKey::generate().public_key()).is_err(),
        "another key"
    );
}

#[test]
fn node_hashes_are_standard_base64() {
    let h = NodeHash([7; 32]);
    let text = serde_json::to_string(&h).unwrap();
    assert_eq!(text, format!("\"{}\"", STANDARD.encode([7u8; 32])));
    assert_eq!(serde_json::from_str::<NodeHash>(&text).unwrap(), h);
    assert!(serde_json::from_str::<NodeHash>("\"AAAA\"").is_err());
}

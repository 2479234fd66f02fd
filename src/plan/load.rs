//! The load multiplier of the headroom search: every producer's and client's
//! rate, and the rates their profiles set, times a factor (a spike's
//! `factor` multiplies the base, so it scales with it).

/// `doc` with every rate × `factor`.
pub fn scaled(doc: &toml::Table, factor: f64) -> toml::Table {
    let mut d = doc.clone();
    if factor == 1.0 {
        return d;
    }
    for kind in ["producer", "client"] {
        let Some(toml::Value::Array(items)) = d.get_mut(kind) else {
            continue;
        };
        for item in items.iter_mut() {
            let toml::Value::Table(t) = item else {
                continue;
            };
            scale_key(t, "rate", factor);
            if let Some(toml::Value::Array(steps)) = t.get_mut("profile") {
                for st in steps.iter_mut() {
                    if let toml::Value::Table(st) = st {
                        scale_key(st, "rate", factor);
                        scale_key(st, "to_rate", factor);
                    }
                }
            }
        }
    }
    d
}

fn scale_key(t: &mut toml::Table, key: &str, factor: f64) {
    let v = match t.get(key) {
        Some(toml::Value::Integer(i)) => *i as f64,
        Some(toml::Value::Float(f)) => *f,
        _ => return,
    };
    t.insert(key.into(), toml::Value::Float(v * factor));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_and_profile_rates_scale_but_a_spike_factor_does_not() {
        let doc: toml::Table = r#"
            [[producer]]
            rate = 10
            profile = [{ kind = "spike", at_s = 1, duration_s = 2, factor = 10 },
                       { kind = "ramp", from_s = 5, to_s = 6, to_rate = 20.0 }]
            [[client]]
            rate = 4.0
        "#
        .parse()
        .unwrap();
        let d = scaled(&doc, 2.5);
        let p = &d["producer"][0];
        assert_eq!(p["rate"].as_float(), Some(25.0));
        assert_eq!(p["profile"][0]["factor"].as_integer(), Some(10));
        assert_eq!(p["profile"][1]["to_rate"].as_float(), Some(50.0));
        assert_eq!(d["client"][0]["rate"].as_float(), Some(10.0));
    }
}

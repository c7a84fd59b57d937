// Embeds templates/ into the binary so amlgen renders from any directory.
fn main() {
    minijinja_embed::embed_templates!("templates");
}

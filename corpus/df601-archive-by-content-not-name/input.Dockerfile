FROM ruby:3.3-slim
WORKDIR /app
# thing.gem is a plain tar and bundle.crate a tar.gz: ADD unpacks both, whatever their names say.
ADD thing.gem /b/
ADD bundle.crate /c/
ADD ["thing.gem", "/d/"]
ADD --chown=1000:1000 Gemfile bundle.crate /e/
ADD Gemfile Gemfile.lock ./
RUN bundle install
